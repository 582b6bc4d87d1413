"""Requests are refused in words a person understands: unknown query parameters, bodies that are not
JSON, and field errors told as sentences naming the field."""

from __future__ import annotations

import pytest

from api.errors import as_sentence
from api.fielderrors import describe, sentence
from tests.api.conftest import Api, Prepared, problem_of
from tests.api.routes import ROUTES, Route


def with_query(route: Route, query: str) -> Route:
    joiner = "&" if "?" in route.path else "?"
    return Route(
        route.method, route.path + joiner + query, route.allowed, route.body, route.created, route.idempotent
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_an_unknown_query_parameter_is_a_422_naming_it_and_records_nothing(
    api: Api, prepared: Prepared, route: Route
) -> None:
    before = api.version(prepared.budget_id)
    who = sorted(route.allowed)[0]
    problem = problem_of(
        with_query(route, "cohrot=pilot").call(api, prepared, who), 422, "unknown-query-parameter"
    )
    assert "'cohrot'" in problem["detail"] and problem["detail"].endswith(".")
    assert problem["errors"] == [
        {"loc": ["query", "cohrot"], "msg": "this route takes no such parameter", "type": "extra_forbidden"}
    ]
    assert api.version(prepared.budget_id) == before


def test_without_a_key_an_unknown_query_parameter_still_hears_401_first(api: Api) -> None:
    problem_of(api.get("/v1/budgets?cohrot=pilot", None), 401, "unauthenticated")


def test_the_problem_names_every_unknown_parameter_and_the_known_ones(api: Api) -> None:
    problem = problem_of(api.get("/v1/budgets?colour=red&size=2"), 422, "unknown-query-parameter")
    assert "'colour' and 'size'" in problem["detail"]
    assert "it takes cohort, cursor, family_ref, limit, min_position, reference, status." in problem["detail"]
    assert [e["loc"] for e in problem["errors"]] == [["query", "colour"], ["query", "size"]]


BODY_ROUTES = [
    r for r in ROUTES if r.method == "POST" and r.body(Prepared(budget_id=None, spend_id="S")) is not None
]  # type: ignore[arg-type]


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_a_form_body_is_a_415_problem_and_records_nothing(api: Api, prepared: Prepared, route: Route) -> None:
    before = api.version(prepared.budget_id)
    who = sorted(route.allowed)[0]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = route.call(api, prepared, who, json=None, content=b"reason=because", headers=form)
    problem = problem_of(response, 415, "unsupported-media-type")
    assert "application/x-www-form-urlencoded" in problem["detail"]
    assert api.version(prepared.budget_id) == before


def test_a_body_without_a_content_type_is_a_415_too(api: Api, prepared: Prepared) -> None:
    url = f"/v1/budgets/{prepared.budget_id}/reviews"
    body = b'{"reviewed_on": "2026-10-01", "summary": "on track", "next_review_due": "2027-04-01"}'
    problem = problem_of(api.post(url, content=body), 415, "unsupported-media-type")
    assert problem["detail"].startswith("The body was sent without a Content-Type;")


def test_a_post_without_a_body_needs_no_content_type(api: Api, prepared: Prepared) -> None:
    url = f"/v1/budgets/{prepared.budget_id}/instalments/{prepared.pending_instalment}/release"
    assert api.post(url, headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 200


def test_json_with_a_charset_or_a_json_suffix_is_json(api: Api, prepared: Prepared) -> None:
    url = f"/v1/budgets/{prepared.budget_id}/reviews"
    body = b'{"reviewed_on": "2026-10-01", "summary": "on track", "next_review_due": "2027-04-01"}'
    for kind in ("application/json; charset=utf-8", "application/merge-patch+json"):
        assert api.post(url, content=body, headers={"Content-Type": kind}).status_code == 200, kind


def test_a_422_tells_the_first_field_in_a_sentence_and_lists_every_field(api: Api) -> None:
    problem = problem_of(
        api.post("/v1/budgets", json={"reference": "BH-1", "period_start": "2026-02-30"}), 422
    )
    assert problem["detail"] == "The body field family_ref is required. 3 more problems are listed in errors."
    assert {tuple(e["loc"]) for e in problem["errors"]} >= {("body", "family_ref"), ("body", "period_start")}
    assert len(problem["errors"]) == 4


def test_a_bad_query_value_is_told_as_a_sentence(api: Api) -> None:
    problem = problem_of(api.get("/v1/budgets?limit=0"), 422, "invalid-input")
    assert problem["detail"].startswith("The query parameter limit is not valid: ")
    assert problem["detail"].endswith(".")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            {"loc": ["body", "amount"], "msg": "Field required", "type": "missing"},
            "The body field amount is required.",
        ),
        (
            {"loc": ["body", "amounts", "health"], "msg": "amounts are JSON strings", "type": "money_type"},
            "The body field amounts.health is not valid: amounts are JSON strings.",
        ),
        (
            {"loc": ["header", "Idempotency-Key"], "msg": "Field required", "type": "missing"},
            "The header Idempotency-Key is required.",
        ),
        (
            {"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"},
            "The body is not valid JSON.",
        ),
        (
            {"loc": ["body", "colour"], "msg": "Extra inputs", "type": "extra_forbidden"},
            "The body field colour is not one this route takes.",
        ),
    ],
)
def test_field_errors_read_as_sentences(error: dict[str, object], words: str) -> None:
    assert sentence(error) == words


def test_the_detail_counts_the_other_problems() -> None:
    one = {"loc": ["body", "a"], "msg": "Field required", "type": "missing"}
    assert describe([one]) == "The body field a is required."
    assert describe([one, one]) == "The body field a is required. 1 more problem is listed in errors."
    assert describe([]) == "The request is not valid."


def test_terse_details_become_sentences() -> None:
    assert as_sentence("spend of 9.00 exceeds available 5.00") == "Spend of 9.00 exceeds available 5.00."
    assert as_sentence("Already a sentence.") == "Already a sentence."
    assert as_sentence("") == ""
