"""No secret in any answer or log line, and the security headers on every answer (issue 14).

Every route is called by every role variant and without a good key; no answer
(body or header) and no log line carries an API key, a key's stored hash or a
traceback. Every answer carries the security headers; /v1 answers are never
cached; pages keep their own content security policy.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.keys import list_keys
from ledger.use_cases import LedgerService
from tests.api.conftest import ROLE_VARIANTS, Api, Prepared
from tests.api.routes import ROUTES
from tests.api.test_pages import PAGES

TRACES = ("Traceback", 'File "/', "psycopg.", "sqlite3.", "eventsourcing.")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _whole(answer: httpx.Response) -> str:
    return answer.text + "\n" + "\n".join(f"{k}: {v}" for k, v in answer.headers.items())


def _has_security_headers(answer: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, (answer.request.url, name, answer.headers)
    assert answer.headers.get("Content-Security-Policy"), answer.request.url


def test_no_answer_or_log_line_of_any_route_holds_a_key_a_hash_or_a_traceback(
    api: Api, prepared: Prepared, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = list(api.keys.values()) + [entry.key_hash for entry in list_keys(api.service)]
    caplog.set_level(logging.DEBUG)
    answers = []
    for route in ROUTES:
        for who in [*ROLE_VARIANTS, "revoked"]:
            answers.append(route.call(api, prepared, who))
        wrong = {"Authorization": f"Bearer {api.keys['caseworker']}x"}  # a near miss of a real key
        answers.append(route.call(api, prepared, None, headers=wrong))
    answers.append(api.get("/v1/no-such-route"))
    answers.append(api.post(f"/v1/budgets/{prepared.budget_id}/spends", content=b"{not json"))
    assert len(answers) > 300
    for answer in answers:
        text = _whole(answer)
        for secret in secrets:
            assert secret not in text, (answer.request.url, answer.status_code)
        assert not any(trace in text for trace in TRACES), (answer.request.url, text)
        _has_security_headers(answer)
    logged = "\n".join(r.getMessage() + str(r.exc_text or "") for r in caplog.records)
    for secret in secrets:
        assert secret not in logged


def test_v1_answers_are_never_cached_whatever_their_status(api: Api, prepared: Prepared) -> None:
    for answer in (
        api.get(f"/v1/budgets/{prepared.budget_id}", "family_own"),
        api.get(f"/v1/budgets/{prepared.budget_id}/history", "family_own"),
        api.get("/v1/budgets", "broker_own"),
        api.get(f"/v1/budgets/{prepared.budget_id}", "family_other"),
        api.get("/v1/budgets", None),
    ):
        assert answer.headers["Cache-Control"] == "no-store", answer.request.url
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize("path", [*PAGES, "/openapi.json", "/static/ledger/ledger.css", "/nowhere"])
def test_pages_and_assets_carry_the_security_headers_and_keep_their_own_policy(api: Api, path: str) -> None:
    answer = api.get(path, None)
    _has_security_headers(answer)
    if answer.headers["content-type"].startswith("text/html"):
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]


def test_cors_is_off_unless_origins_are_configured(api: Api) -> None:
    asked = api.client.options(
        "/v1/budgets",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in asked.headers
    plain = api.get("/v1/budgets", "caseworker", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


def test_an_unexpected_failure_is_a_bare_500_with_the_security_headers(
    ledger: LedgerService, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(service=ledger, run_projections=False)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("password=hunter2 in a driver's message")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/v1/boom")
    assert answer.status_code == 500
    assert "hunter2" not in _whole(answer) and "Traceback" not in answer.text
    _has_security_headers(answer)
    assert answer.headers["Cache-Control"] == "no-store"
