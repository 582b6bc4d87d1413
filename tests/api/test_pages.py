"""The pages for people, through the ASGI app: landing page, problem pages, offline docs, OpenAPI words."""

from __future__ import annotations

import inspect
import re

import pytest
from eventsourcing.domain import DomainEvent
from fastapi import FastAPI

import ledger.aggregates.envelopes
import ledger.aggregates.events  # noqa: F401
from api import problems
from api.errors import HTTP_PROBLEMS
from ledger import errors
from tests.api.conftest import Api, Prepared, problem_of

PAGES = ("/", "/problems", "/problems/insufficient-funds", "/docs", "/redoc")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_with_a_strict_content_security_policy(api: Api, path: str) -> None:
    page = api.get(path, None)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in page.text  # no inline script: every script has a src on this origin
    assert not re.search(r'(src|href)="(https?:)?//', page.text), "a page loads nothing from elsewhere"


def test_the_docs_assets_are_served_by_the_ledger(api: Api) -> None:
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert api.get(f"/static/docs/{asset}", None).status_code == 200, asset
    assert api.get("/static/ledger/swagger-init.js", None).status_code == 200
    assert 'spec-url="/openapi.json"' in api.get("/redoc", None).text
    assert 'data-openapi-url="/openapi.json"' in api.get("/docs", None).text


def test_the_landing_page_links_the_docs_and_the_first_steps(api: Api) -> None:
    page = api.get("/", None).text
    for href in ("/docs", "/redoc", "/openapi.json", "/problems"):
        assert f'href="{href}"' in page, href
    assert "First steps" in page and "ledger keys create" in page
    for href in ("/health/live", "/health/ready"):  # api.health: linked now that they exist
        assert f'href="{href}"' in page, href


def test_the_landing_page_links_the_health_check_once_there_is_one(api: Api) -> None:
    app: FastAPI = api.client.app  # type: ignore[assignment]
    app.add_api_route("/health/live", lambda: {"ok": True})
    assert 'href="/health/live"' in api.get("/", None).text


def test_every_rule_of_the_hierarchy_has_a_page(api: Api) -> None:
    slugs = {rule.slug for rule in problems.catalogue()}
    defined = {
        kind.rule
        for kind in vars(errors).values()
        if inspect.isclass(kind) and issubclass(kind, errors.LedgerError) and "rule" in vars(kind)
    } - {errors.LedgerError.rule}
    assert defined | set(HTTP_PROBLEMS) | {"unknown-query-parameter"} <= slugs
    listing = api.get("/problems", None).text
    for slug in slugs:
        assert f'href="/problems/{slug}"' in listing, slug
        assert api.get(f"/problems/{slug}", None).status_code == 200, slug


def test_a_problem_page_states_the_rule_its_cases_and_what_to_do(api: Api) -> None:
    page = api.get("/problems/not-found", None).text
    assert "The thing asked for does not exist." in page
    assert "No budget has that id." in page  # a case: a subclass's docstring
    assert "What to do" in page


def test_an_unknown_problem_is_a_404_problem(api: Api) -> None:
    problem_of(api.get("/problems/no-such-rule", None), 404, "not-found")


def test_a_problems_type_resolves_to_the_page_explaining_it(api: Api, prepared: Prepared) -> None:
    url = f"/v1/budgets/{prepared.budget_id}/closure"
    problem = problem_of(api.post(url, json={"reason": "done"}), 409, "funds-remaining")
    assert not problem["detail"][0].islower() and problem["detail"].endswith(".")  # a sentence
    page = api.client.get(problem["type"])
    assert page.status_code == 200 and problem["title"] in page.text.replace("&#x27;", "'")


def test_refusals_are_sentences_naming_the_role_and_the_action(api: Api, prepared: Prepared) -> None:
    problem = problem_of(api.get("/v1/budgets", "admin"), 403, "forbidden")
    assert problem["detail"] == "An admin key may not list budgets."
    problem = problem_of(api.get(f"/v1/budgets/{prepared.budget_id}/state", "family_own"), 403)
    assert problem["detail"] == "A family key may not read a budget as it stood in the past."


def openapi(api: Api) -> dict[str, object]:
    schema: dict[str, object] = api.client.get("/openapi.json").json()
    return schema


def operations(api: Api) -> list[dict[str, object]]:
    paths: dict[str, dict[str, dict[str, object]]] = openapi(api)["paths"]  # type: ignore[assignment]
    return [op for ops in paths.values() for op in ops.values()]


def test_operation_ids_are_readable_and_unique(api: Api) -> None:
    ids = [str(op["operationId"]) for op in operations(api)]
    assert len(ids) == len(set(ids))
    assert "recordSpend" in ids and "releaseInstalment" in ids and "listBudgets" in ids
    for op_id in ids:
        assert re.fullmatch(r"[a-z]+([A-Z][a-z]+)*", op_id), op_id


def test_summaries_are_the_first_clause_of_each_docstring(api: Api) -> None:
    for op in operations(api):
        summary, description = str(op["summary"]), str(op["description"])
        assert summary and description.startswith(summary) and len(summary) < len(description), summary


def test_each_409_example_names_a_real_rule_and_release_names_the_gate(api: Api) -> None:
    slugs = {rule.slug for rule in problems.catalogue()}
    for op in operations(api):
        for status, answer in op["responses"].items():  # type: ignore[attr-defined]
            if status[0] not in "45":
                continue
            examples = answer["content"]["application/problem+json"]["examples"]
            assert examples, (op["operationId"], status)
            for example in examples.values():
                assert example["value"]["status"] == int(status)
                assert example["value"]["type"].rsplit("/", 1)[-1] in slugs
    release = next(op for op in operations(api) if op["operationId"] == "releaseInstalment")
    assert (
        "instalment-gated" in release["responses"]["409"]["content"]["application/problem+json"]["examples"]
    )  # type: ignore[index]


def every_subclass(kind: type) -> list[type]:
    return [sub for direct in kind.__subclasses__() for sub in (direct, *every_subclass(direct))]


def test_answer_schemas_cannot_be_mistaken_for_domain_events(api: Api) -> None:
    components = set(openapi(api)["components"]["schemas"])  # type: ignore[index]
    event_names = {kind.__name__ for kind in every_subclass(DomainEvent)}
    assert "SpendRecorded" in event_names and "EnvelopeSet" in event_names
    assert components & event_names == set()
    assert {"SpendRecordedAnswer", "DisputeRaisedAnswer", "InstalmentScheduledAnswer"} <= components


def test_analytics_answers_are_typed_in_openapi(api: Api) -> None:
    schemas = openapi(api)["components"]["schemas"]  # type: ignore[index]
    portfolio = schemas["PortfolioOut"]["properties"]  # type: ignore[index]
    assert portfolio["by_stream"]["items"]["$ref"].endswith("/StreamFigures")
    assert portfolio["envelopes"]["items"]["$ref"].endswith("/EnvelopeUse")
    monitoring = schemas["MonitoringOut"]["properties"]  # type: ignore[index]
    assert monitoring["overdue"]["items"]["$ref"].endswith("/WaitingInstalment")
    assert monitoring["waiting"]["items"]["$ref"].endswith("/WaitingReturn")
