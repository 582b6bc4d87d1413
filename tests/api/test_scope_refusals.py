"""Scope refusals reveal nothing: an unknown budget and another's budget answer alike (issue 14).

For every route aimed at one budget, a broker of another organisation and a
family of another family hear exactly the same problem (status, type, title and
detail) as a broker or family asking for a budget that does not exist; the detail
names neither the budget's id nor its reference. Headers that count the whole
ledger are kept from scoped callers.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from tests.api.conftest import Api, Prepared, problem_of
from tests.api.routes import ROUTES

SCOPED = ("broker_own", "broker_other", "family_own", "family_other")
UNKNOWN = uuid.UUID("00000000-0000-4000-8000-0000000000ab")


def _sans_instance(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k != "instance"}


def test_another_scope_and_an_unknown_budget_answer_the_same_on_every_route(
    api: Api, prepared: Prepared
) -> None:
    reference = api.service.load(prepared.budget_id).reference
    unknown = dataclasses.replace(prepared, budget_id=UNKNOWN)
    before = api.version(prepared.budget_id)
    for route in (r for r in ROUTES if "{id}" in r.path):
        for who in SCOPED:
            ghost = problem_of(route.call(api, unknown, who), 403, "forbidden")
            for word in (str(UNKNOWN), "exist", "unknown", "found"):
                assert word not in ghost["detail"].lower(), (route.name, who, ghost)
            if who.endswith("_other"):
                other = problem_of(route.call(api, prepared, who), 403, "forbidden")
                assert _sans_instance(other) == _sans_instance(ghost), (route.name, who)
                for word in (str(prepared.budget_id), reference):
                    assert word not in other["detail"], (route.name, who, other)
    assert api.version(prepared.budget_id) == before


def test_staff_still_hear_404_for_an_unknown_budget(api: Api) -> None:
    for who in ("caseworker", "auditor"):
        problem_of(api.get(f"/v1/budgets/{UNKNOWN}", who), 404, "not-found")


def test_a_scoped_list_shows_no_count_of_the_whole_ledger(api: Api, prepared: Prepared) -> None:
    for who in SCOPED:
        answer = api.get("/v1/budgets", who)
        assert answer.status_code == 200, answer.text
        assert "X-Projection-Position" not in answer.headers, who
        assert "X-Projection-Lag" not in answer.headers, who
    staff = api.get("/v1/budgets", "caseworker")
    assert "X-Projection-Position" in staff.headers


def test_a_broker_finds_another_organisations_reference_no_more_than_an_unknown_one(
    api: Api, prepared: Prepared
) -> None:
    reference = api.service.load(prepared.budget_id).reference
    for ref in (reference, "BH-NO-SUCH-REF"):
        answer = api.get("/v1/budgets", "broker_other", params={"reference": ref})
        assert answer.status_code == 200 and answer.json()["items"] == [], ref
    assert len(api.get("/v1/budgets", "broker_own", params={"reference": reference}).json()["items"]) == 1
