"""Health for supervisors, metrics for an admin: what each answers, and to whom."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import create_app
from ledger.settings import Settings
from tests.api.conftest import Api, problem_of, spend_body
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER


def test_live_answers_without_a_key(api: Api) -> None:
    answer = api.get("/health/live", None)
    assert answer.status_code == 200 and answer.json() == {"status": "live"}


def test_ready_when_the_store_answers_and_the_read_models_have_caught_up(live_api: Api) -> None:
    open_funded_budget(live_api.service)
    read_side = live_api.client.app.state.read_side  # type: ignore[attr-defined]
    read_side.wait(live_api.service.recorder.max_notification_id())
    answer = live_api.get("/health/ready", None)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready" and body["store"] == "ok"
    models = {"balances", "spending", "monitoring", "portfolio", "surplus", "plans", "providers"}
    assert set(body["lag"]) == models


def test_not_ready_while_a_read_model_trails_beyond_the_bound(api: Api) -> None:
    open_funded_budget(api.service)  # no projection runs in this app: every read model trails
    settings = Settings(database_url=api.service.url, ready_max_lag=2)
    with TestClient(create_app(service=api.service, run_projections=False, settings=settings)) as client:
        answer = client.get("/health/ready")
    body = problem_of(answer, 503, "not-ready")
    assert answer.headers["Retry-After"].isdigit()
    assert body["store"] == "ok" and max(body["lag"].values()) > 2
    assert body["request_id"] == answer.headers["X-Request-ID"]


def test_the_landing_page_links_the_health_checks(api: Api) -> None:
    page = api.get("/", None).text
    assert "/health/live" in page and "/health/ready" in page


def test_metrics_are_for_an_admin_key_only(api: Api) -> None:
    assert api.get("/metrics", "admin").status_code == 200
    problem_of(api.get("/metrics", None), 401, "unauthenticated")
    for role in ("caseworker", "auditor", "broker_own", "family_own", "commissioner"):
        assert "metrics" in problem_of(api.get("/metrics", role), 403, "forbidden")["detail"]


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name{labels...}` in a Prometheus text answer (0 when absent)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


def test_metrics_count_requests_by_route_template_refusals_by_rule_and_show_lag(api: Api) -> None:
    budget_id = open_funded_budget(api.service, allocated="10.00", released="10.00")
    path = f"/v1/budgets/{budget_id}/spends"
    for n, amount in enumerate(("4.00", "4.00", "4.00")):  # the third finds only 2.00 left
        api.post(path, "broker_own", json=spend_body(amount=amount), headers={"Idempotency-Key": f"m{n}"})
    text = api.get("/metrics", "admin").text
    route = "/v1/budgets/{budget_id}/spends"
    assert str(budget_id) not in text  # ids never become labels
    assert sample(text, "ledger_http_requests_total", method="POST", route=route, status="201") == 2
    assert sample(text, "ledger_http_requests_total", method="POST", route=route, status="409") == 1
    assert sample(text, "ledger_http_request_duration_seconds_count", route=route, status="201") == 2
    assert sample(text, "ledger_refusals_total", rule="insufficient-funds", status="409") == 1
    assert sample(text, "ledger_read_model_lag_events", read_model="balances") >= 5
    assert "ledger_contention_retries_total" in text
    if api.service.url.startswith("postgresql"):
        assert sample(text, "ledger_pool_connections", pool="ledger", state="max") == 15
    assert CASEWORKER  # the budget was opened by a caseworker, the spends by the broker
