"""The app itself: problems for every kind of error, the catch-all 500, OpenAPI and docs, wiring."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import ROUTERS, create_app
from ledger.aggregates import vocabulary
from tests.api.conftest import Api, Prepared, open_body, problem_of


def test_unknown_routes_wrong_methods_and_unknown_budgets_are_problems(api: Api, prepared: Prepared) -> None:
    problem_of(api.get("/v1/nowhere"), 404, "not-found")
    problem = problem_of(api.client.delete(f"/v1/budgets/{prepared.budget_id}"), 405, "method-not-allowed")
    assert problem["instance"] == f"/v1/budgets/{prepared.budget_id}"
    assert api.client.put("/v1/budgets").headers["Allow"] == "GET, POST"
    problem_of(api.get("/v1/budgets/00000000-0000-4000-8000-000000000000"), 404, "not-found")
    problem_of(
        api.post(f"/v1/budgets/{prepared.budget_id}/monitoring-returns/R9/acceptance"), 404, "not-found"
    )


def test_an_unexpected_failure_is_a_bare_500_that_leaks_nothing(
    api: Api, prepared: Prepared, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError('SELECT * FROM stored_events WHERE password = "hunter2"')

    monkeypatch.setattr(api.service, "read", explode)
    client = TestClient(api.client.app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="api"):
        response = client.get(f"/v1/budgets/{prepared.budget_id}", headers=api.headers("caseworker"))
    problem = problem_of(response, 500, "internal-error")
    assert (
        "SELECT" not in response.text and "hunter2" not in response.text and "Traceback" not in response.text
    )
    assert problem["detail"] == "The server failed; the error is logged."
    assert "hunter2" in caplog.text  # the operator still sees it


def test_the_openapi_schema_documents_every_route_with_problems_and_examples(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    operations = [(p, m, op) for p, ops in schema["paths"].items() for m, op in ops.items()]
    assert len(operations) >= 28
    for path, method, op in operations:
        assert op.get("description"), (method, path)
        for status, answer in op["responses"].items():
            if status[0] in "45":
                assert list(answer["content"]) == ["application/problem+json"], (method, path, status)
        assert {"401", "403", "422", "500"} <= set(op["responses"]), (method, path)
        if "application/json" in op.get("requestBody", {}).get("content", {}):  # a file route takes CSV
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
            body = schema["components"]["schemas"][ref]
            assert body["additionalProperties"] is False and body.get("examples"), ref
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "swagger-ui" in api.client.get("/docs").text


def test_schema_examples_are_valid_requests(api: Api, prepared: Prepared) -> None:
    schema = api.client.get("/openapi.json").json()
    example = schema["components"]["schemas"]["OpenBudgetIn"]["examples"][0]
    assert api.post("/v1/budgets", json=example).status_code == 201
    spend = schema["components"]["schemas"]["SpendIn"]["examples"][0]
    response = api.post(
        f"/v1/budgets/{prepared.budget_id}/spends", json=spend, headers={"Idempotency-Key": "ex"}
    )
    assert response.status_code == 201, response.text


def test_the_wire_publishes_the_domains_word_lists(api: Api) -> None:
    components = api.client.get("/openapi.json").json()["components"]["schemas"]
    for enum in (vocabulary.Category, vocabulary.Unit, vocabulary.Management, vocabulary.FundingStream):
        assert components[enum.__name__]["enum"] == [member.value for member in enum]


def test_without_a_service_the_app_opens_the_store_named_by_the_environment_and_closes_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    with TestClient(app) as client:
        assert client.get("/v1/ras/schemes").status_code == 401
    assert (tmp_path / "env.db").exists()
    assert app.state.owns_service


def test_every_router_is_included_under_v1(api: Api) -> None:
    paths = set(api.client.get("/openapi.json").json()["paths"])
    for router in ROUTERS:
        assert {"/v1" + r.path for r in router.routes} <= paths  # type: ignore[attr-defined]


def test_a_read_after_a_write_shows_the_write(api: Api) -> None:
    budget_id = api.post("/v1/budgets", json=open_body()).json()["id"]
    for i in range(5):
        api.post(
            f"/v1/budgets/{budget_id}/reviews",
            json={"reviewed_on": f"2026-0{i + 4}-01", "summary": f"r{i}", "next_review_due": "2027-01-01"},
        )
        assert len(api.get(f"/v1/budgets/{budget_id}").json()["reviews"]) == i + 1
