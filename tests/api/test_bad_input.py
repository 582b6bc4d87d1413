"""Bad input for every body field, query and path parameter: 422 (or 413) problems, and nothing recorded."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import Api, Prepared, problem_of
from tests.api.routes import BY_NAME, ROUTES, Route

MISSING = object()
LONG_NAME, LONG_TEXT = "x" * 201, "x" * 2001
#: bad values by kind of field; `None` is bad for required fields only (added below)
BAD: dict[str, list[Any]] = {
    "money+": [
        100,
        100.5,
        0,
        "100.001",
        "-5.00",
        "0",
        "0.00",
        "1000000000.00",
        "1e3",
        " 5.00",
        "5.",
        ".5",
        "NaN",
        "",
        "£5",
        "5,00",
        True,
        [],
        {},
    ],
    "money": [100, 1.5, "1.001", "-1.00", "1000000000", "x", "Infinity", "", True],
    "date": [
        "2026-02-30",
        "2026-13-01",
        "01/04/2026",
        "2026-4-1",
        "20260401",
        "2026-04-01T00:00:00",
        "",
        20260401,
    ],
    "name": ["", "   ", LONG_NAME, "BH-\x00", "two\nlines", "\x7f", 5, ["a"], True],
    "reason": ["", "  ", LONG_TEXT, 7, {}],
    "notes": [LONG_TEXT, 7, ["x"]],
    "enum": ["bogus", "", 3, "Personal_Assistant"],
    "bool": ["yes", "true", 1, 0],
    "year": ["2026", 1999, 2101, 2026.5, True, ""],
    "amounts": [
        {},
        {"bogus": "1.00"},
        {"social_care": 100},
        {"social_care": 99.99},
        {"social_care": "1.001"},
        {"social_care": "-1.00"},
        "600.00",
        [],
    ],
    "ras": [
        "flat-short-breaks",
        {"scheme": "flat-short-breaks"},
        {"scheme": "x", "answers": {}, "extra": 1},
        {"scheme": "flat-short-breaks", "answers": {"assessed_need": 1}},
        {"scheme": "", "answers": {}},
    ],
    "int": ["1", 0, 1.5, -1],
    "answers": [[], "yes", {"q": 1}, {"q": "x" * 101}],
}
#: route -> field -> (kind, required)
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "POST /v1/budgets": {
        "reference": ("name", True),
        "family_ref": ("name", True),
        "period_start": ("date", True),
        "period_end": ("date", True),
        "management": ("enum", True),
        "cohort": ("name", False),
        "broker_org": ("name", False),
    },
    "POST /v1/ras/assessments": {
        "scheme": ("name", True),
        "answers": ("answers", True),
        "version": ("int", False),
    },
    "POST /v1/budgets/{id}/allocation": {
        "amounts": ("amounts", True),
        "ras": ("ras", False),
        "variance_reason": ("reason", False),
        "rationale": ("reason", True),
    },
    "POST /v1/budgets/{id}/allocation/revisions": {
        "amounts": ("amounts", True),
        "reason": ("reason", True),
        "dispute_id": ("name", False),
    },
    "POST /v1/budgets/{id}/instalments": {
        "amount": ("money+", True),
        "due_on": ("date", True),
        "gated": ("bool", True),
    },
    "POST /v1/budgets/{id}/instalments/{cancellable_instalment}/cancellation": {"reason": ("reason", True)},
    "POST /v1/budgets/{id}/spends": {
        "amount": ("money+", True),
        "category": ("enum", True),
        "provider": ("name", True),
        "service_date": ("date", True),
        "description": ("notes", True),
        "units": ("money+", False),
        "unit": ("enum", False),
        "funding_stream": ("enum", False),
    },
    "POST /v1/budgets/{id}/spends/{spend_id}/reversal": {
        "reason": ("reason", True),
        "dispute_id": ("name", False),
    },
    "POST /v1/budgets/{id}/monitoring-returns": {
        "period_start": ("date", True),
        "period_end": ("date", True),
        "declared_spent": ("money", True),
        "notes": ("notes", True),
    },
    "POST /v1/budgets/{id}/monitoring-returns/{return_to_query}/query": {"reason": ("reason", True)},
    "POST /v1/budgets/{id}/surplus-recoveries": {"amount": ("money+", True), "reason": ("reason", True)},
    "POST /v1/budgets/{id}/trials": {
        "name": ("name", True),
        "virtual_amount": ("money+", True),
        "baseline_cost": ("money", True),
    },
    "POST /v1/budgets/{id}/trials/{trial_id}/conclusion": {
        "outcome": ("enum", True),
        "notes": ("notes", True),
    },
    "POST /v1/budgets/{id}/disputes": {
        "subject": ("enum", True),
        "subject_ref": ("name", False),
        "grounds": ("reason", True),
    },
    "POST /v1/budgets/{id}/disputes/{dispute_id}/resolution": {
        "outcome": ("enum", True),
        "resolution": ("reason", True),
    },
    "POST /v1/budgets/{id}/reviews": {
        "reviewed_on": ("date", True),
        "summary": ("reason", True),
        "next_review_due": ("date", True),
    },
    "POST /v1/budgets/{id}/suspension": {"reason": ("reason", True)},
    "POST /v1/budgets/{id}/resumption": {"reason": ("reason", True)},
    "POST /v1/budgets/{id}/closure": {"reason": ("reason", True)},
    "POST /v1/envelopes": {
        "stream": ("enum", True),
        "year": ("year", True),
        "amount": ("money", True),
        "reason": ("reason", True),
    },
}
FIELDS["POST /v1/budgets/{id}/trials/{trial_id}/spends"] = {
    name: kind for name, kind in FIELDS["POST /v1/budgets/{id}/spends"].items() if name != "funding_stream"
}
# --- budget schemes ---
FIELDS["POST /v1/budgets"] |= {"scheme": ("name", False), "scheme_version": ("int", False)}
FIELDS["POST /v1/budgets/{id}/monitoring-returns"]["lines"] = ("lines", False)
FIELDS["POST /v1/budgets/{id}/bank-account-confirmation"] = {"confirmed_on": ("date", True)}
FIELDS["POST /v1/budgets/{id}/spends/{spend_id}/rejection"] = {"reason": ("reason", True)}
# --- providers (issue 10) ---
FIELDS["POST /v1/providers"] = {
    "reference": ("name", True),
    "kind": ("enum", True),
    "in_house": ("bool", True),
}
FIELDS["POST /v1/providers/{provider_id}/approvals"] = {
    "approval": ("enum", True),
    "valid_from": ("date", True),
    "valid_to": ("date", True),
    "evidence_ref": ("name", True),
}
FIELDS["POST /v1/providers/{provider_id}/approvals/{approval_id}/revocation"] = {"reason": ("reason", True)}
# --- erasure of a family's free text ---
FIELDS["POST /v1/families/{family_ref}/erasure"] = {"reason": ("reason", True)}
BAD["lines"] = [
    "90.00",
    [{"category": "bogus", "amount": "90.00"}],
    [{"category": "transport", "amount": 90}],
    [{"category": "transport", "amount": "90.00", "colour": "red"}],
    [{"category": "transport", "amount": "90.00", "units": "2"}],
    [{"category": "transport", "amount": "89.99"}],  # adds up to less than the declared 90.00
]
# --- the decision pathway (issue 9) ---
BAD["outcomes"] = [
    "O1",
    [],
    [{"id": "O1"}],
    [{"id": "O1", "text": "t", "colour": "red"}],
    [{"id": "", "text": "t"}],
]
BAD["planned"] = [
    "480.00",
    [{"category": "bogus", "amount": "1.00"}],
    [{"category": "transport", "amount": 1}],
    [{"category": "transport", "amount": "0.00"}],
    [{"category": "transport", "amount": "1.00", "stream": "lottery"}],
    [{"category": "transport", "amount": "1.00", "units": "2"}],
]
PLAN_FIELDS = {
    "outcomes": ("outcomes", True),
    "planned": ("planned", True),
    "agreed_on": ("date", True),
    "next_review_due": ("date", True),
}
FIELDS["POST /v1/budgets/{id}/indicative-budget"] = {
    "ras": ("ras", True),
    "completed_with_family": ("bool", True),
}
FIELDS["POST /v1/budgets/{id}/support-plan"] = PLAN_FIELDS
FIELDS["POST /v1/budgets/{id}/support-plan/revisions"] = {**PLAN_FIELDS, "reason": ("reason", True)}
FIELDS["POST /v1/budgets/{id}/panel-decisions"] = {
    "panel_date": ("date", True),
    "reference": ("name", True),
    "chair_role": ("name", True),
    "amount": ("money+", True),
    "notes": ("notes", False),
}
FIELDS["POST /v1/budgets/{id}/previous-package"] = {
    "cost": ("money", True),
    "entry_route": ("enum", True),
    "notes": ("notes", False),
}
FIELDS["POST /v1/budgets/{committing_budget}/commitments"] = {
    "provider_id": ("name", True),
    "category": ("enum", True),
    "description": ("notes", True),
    "unit_price": ("money+", True),
    "quantity": ("money+", True),
    "unit": ("enum", False),
}
FIELDS["POST /v1/budgets/{committing_budget}/commitments/{commitment_id}/payments"] = {
    "amount": ("money+", True),
    "service_date": ("date", True),
    "description": ("notes", True),
    "units": ("money+", False),
    "nights_override_reason": ("reason", False),
}
FIELDS["POST /v1/budgets/{committing_budget}/commitments/{commitment_id}/cancellation"] = {
    "reason": ("reason", True)
}
BODY_ROUTES = [BY_NAME[name] for name in FIELDS]


def bad_bodies(route: Route, prepared: Prepared) -> list[tuple[str, Any]]:
    valid = route.body(prepared)
    assert isinstance(valid, dict)
    cases: list[tuple[str, Any]] = [
        ("an unknown field", {**valid, "bogus": 1}),
        ("a list for a body", [valid]),
        ("a string for a body", "body"),
        ("null for a body", None),
    ]
    for name, (kind, required) in FIELDS[route.name].items():
        values = BAD[kind] + ([None, MISSING] if required else [])
        for value in values:
            body = {k: v for k, v in valid.items() if k != name}
            if value is not MISSING:
                body[name] = value
            label = "missing" if value is MISSING else json.dumps(value)[:40]
            cases.append((f"{name}={label}", body))
    return cases


def caller(route: Route) -> str:
    """A role the route lets in, so what is refused is the input, not the caller."""
    return "caseworker" if "caseworker" in route.allowed else sorted(route.allowed)[0]


def test_every_route_with_a_body_has_its_fields_in_the_table() -> None:
    somewhere = Prepared(budget_id=uuid4(), spend_id="S1")
    assert set(FIELDS) == {r.name for r in ROUTES if r.method == "POST" and r.body(somewhere) is not None}
    for name, fields in FIELDS.items():
        assert set(fields) >= set(BY_NAME[name].body(somewhere) or {}), name


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_bad_bodies_are_422_problems_and_record_nothing(api: Api, prepared: Prepared, route: Route) -> None:
    before = api.version(prepared.budget_id)
    wrong = []
    for label, body in bad_bodies(route, prepared):
        response = route.call(api, prepared, caller(route), json=body)
        if response.status_code != 422 or not response.headers["content-type"].startswith(
            "application/problem+json"
        ):
            wrong.append(f"{label}: {response.status_code} {response.text[:200]}")
    assert wrong == []
    assert api.version(prepared.budget_id) == before


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_malformed_json_and_oversized_bodies_are_refused(api: Api, prepared: Prepared, route: Route) -> None:
    before = api.version(prepared.budget_id)
    json_type = {"Content-Type": "application/json"}
    for content in (
        b"{",
        b'{"reason": "x",}',
        b"\xff\xfe",
        b'{"reason": "\xff"}',
        b"\x1fT\xc3\xff",
        b"",
        b"nul",
    ):
        response = route.call(api, prepared, caller(route), content=content, headers=json_type)
        body = problem_of(response, 422, "invalid-input")
        assert body["errors"], content
    huge = json.dumps({**(route.body(prepared) or {}), "pad": "x" * 70_000}).encode()
    problem_of(
        route.call(api, prepared, caller(route), content=huge, headers=json_type), 413, "payload-too-large"
    )
    chunks = iter([huge[:40_000], huge[40_000:]])  # no Content-Length: counted as it streams
    problem_of(
        route.call(api, prepared, caller(route), content=chunks, headers=json_type), 413, "payload-too-large"
    )
    assert api.version(prepared.budget_id) == before


def test_validation_problems_list_the_failing_fields(api: Api, prepared: Prepared) -> None:
    route = BY_NAME["POST /v1/budgets/{id}/spends"]
    body = {**(route.body(prepared) or {}), "amount": 12.5, "service_date": "2026-02-30"}
    del body["provider"]
    problem = problem_of(route.call(api, prepared, "caseworker", json=body), 422, "invalid-input")
    assert sorted(tuple(e["loc"]) for e in problem["errors"]) == [
        ("body", "amount"),
        ("body", "provider_id"),  # issue 10: a spend names provider (free text) or provider_id
        ("body", "service_date"),
    ]
    assert "amount" in problem["detail"] and all(e["msg"] for e in problem["errors"])


@pytest.mark.parametrize(
    "name", ["POST /v1/budgets/{id}/spends", "POST /v1/budgets/{id}/trials/{trial_id}/spends"]
)
def test_spends_need_an_idempotency_key_of_at_most_200_characters(
    api: Api, prepared: Prepared, name: str
) -> None:
    route = BY_NAME[name]
    before = api.version(prepared.budget_id)
    url, body = route.url(prepared), route.body(prepared)
    problem = problem_of(api.post(url, json=body), 422, "invalid-input")
    assert problem["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    for key in ("", "k" * 201):
        problem_of(api.post(url, json=body, headers={"Idempotency-Key": key}), 422, "invalid-input")
    assert api.version(prepared.budget_id) == before
    assert api.post(url, json=body, headers={"Idempotency-Key": "k" * 200}).status_code == 201


RULES_422 = [
    ("POST /v1/budgets", {"period_end": "2026-04-01"}, "invalid-period"),
    ("POST /v1/budgets/{id}/monitoring-returns", {"period_end": "2026-03-01"}, "invalid-period"),
    ("POST /v1/budgets/{id}/reviews", {"next_review_due": "2026-10-01"}, "invalid-period"),
    ("POST /v1/budgets/{id}/spends", {"unit": None}, "invalid-input"),
    ("POST /v1/budgets/{id}/allocation/revisions", {"amounts": {"health": "0.00"}}, "invalid-amount"),
    ("POST /v1/budgets/{id}/disputes", {"subject_ref": "no-such-spend"}, "not-found"),
]


@pytest.mark.parametrize(("name", "change", "rule"), RULES_422, ids=[f"{r[0]} {r[2]}" for r in RULES_422])
def test_input_refused_by_the_domain_is_a_problem_naming_its_rule(
    api: Api, prepared: Prepared, name: str, change: dict[str, Any], rule: str
) -> None:
    route = BY_NAME[name]
    before = api.version(prepared.budget_id)
    response = route.call(api, prepared, "caseworker", json={**(route.body(prepared) or {}), **change})
    problem_of(response, 404 if rule == "not-found" else 422, rule)
    assert api.version(prepared.budget_id) == before


def test_bad_path_and_query_parameters_are_422(api: Api, prepared: Prepared) -> None:
    b = f"/v1/budgets/{prepared.budget_id}"
    for path in (
        "/v1/budgets/not-a-uuid",
        "/v1/budgets/123",
        f"{b}/history?as_of=yesterday",
        f"{b}/history?as_of=2026-05-01",
        f"{b}/history?as_of=2026-05-01T12:00:00",
        f"{b}/state?as_of=2026-02-30T00:00:00Z",
        f"{b}/state?as_of=0001-01-01T00:00:00%2B01:00",
        f"{b}/history?as_of=9999-12-31T23:59:59-01:00",
        f"{b}/history?as_of=2026-01-01T00:00:00%2B25:00",
        f"{b}/state?version=0",
        f"{b}/state?version=x",
        f"{b}/state?version=1&as_of=2026-05-01T00:00:00Z",
        "/v1/ras/schemes/x?version=0",
    ):
        problem_of(api.get(path, "auditor" if "/state" in path else "caseworker"), 422)
    for path in (f"{b}/instalments/0/release", f"{b}/instalments/x/release"):
        problem_of(api.post(path), 422, "invalid-input")
    for path in (f"{b}/instalments/99/release", f"{b}/spends/nope/reversal"):
        problem_of(api.post(path, json={"reason": "x"}), 404, "not-found")


def test_a_trial_spend_takes_no_funding_stream(api: Api, prepared: Prepared) -> None:
    route = BY_NAME["POST /v1/budgets/{id}/trials/{trial_id}/spends"]
    body = {**(route.body(prepared) or {}), "funding_stream": "social_care"}
    problem = problem_of(route.call(api, prepared, "caseworker", json=body), 422, "invalid-input")
    assert problem["errors"][0]["loc"] == ["body", "funding_stream"]
