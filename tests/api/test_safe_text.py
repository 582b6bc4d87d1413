"""Text that is safe to show, through the API (issue 14): every text field, Idempotency-Key, bad HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.security.wire import ProblemH11Protocol
from ledger.use_cases import LedgerService
from tests.api.conftest import PROBLEM_JSON, Api, Prepared, problem_of, spend_body
from tests.api.routes import ROUTES
from tests.api.test_access import REFUSED_BY_STATE

UNSAFE = {"NUL": "\x00", "ESC": "\x1b[31m", "RLO": "\u202e", "CR": "\rforged", "LS": "\u2028"}
#: string fields the domain keeps as they are (not a date, an amount or a word from a list)
FREE_TEXT = {
    "reference",
    "family_ref",
    "cohort",
    "broker_org",
    "provider",
    "description",
    "notes",
    "reason",
    "rationale",
    "variance_reason",
    "name",
    "grounds",
    "resolution",
    "summary",
    "subject_ref",
}
LOOKUPS = {"dispute_id", "subject_ref"}  # fmt: skip
#: fields whose own shape refuses first, under their own rule (a provider's reference is never a name)
PATTERNED = {("POST /v1/providers", "reference")}


def test_every_free_text_field_of_every_route_refuses_unsafe_text(api: Api, prepared: Prepared) -> None:
    before = api.version(prepared.budget_id)
    tried = 0
    for route in (r for r in ROUTES if r.method == "POST" and "/ras/" not in r.path):  # RAS records nothing
        body = route.body(prepared)
        for field in [k for k, v in (body or {}).items() if isinstance(v, str)]:
            for what, bad in UNSAFE.items():
                answer = route.call(api, prepared, sorted(route.allowed)[0], json={**body, field: f"a{bad}b"})
                if route.name in REFUSED_BY_STATE:  # the state refuses first; nothing is kept either way
                    assert answer.status_code in (409, 422), (route.name, answer.text)
                    continue
                if field in LOOKUPS:  # an id looked up before anything is kept: unknown, or refused
                    assert answer.status_code in (404, 422), (route.name, field, answer.text)
                    assert bad not in answer.text
                    continue
                assert answer.status_code == 422, (route.name, field, what, answer.text)
                problem = problem_of(answer, 422)
                assert bad not in answer.text  # a refusal never echoes the character itself
                if (route.name, field) in PATTERNED:
                    assert problem["type"].endswith("/invalid-provider-reference"), (route.name, problem)
                elif field in FREE_TEXT and what in ("RLO", "LS"):  # past any wire pattern: the domain's rule
                    assert problem["type"].endswith("/unsafe-text"), (route.name, field, problem)
                tried += 1
    assert tried > 100
    assert api.version(prepared.budget_id) == before


@pytest.mark.parametrize("key", [b"spend\x1b1", b"spend\x7f", "\u202espend".encode(), b"spend\x85"], ids=repr)
def test_an_idempotency_key_with_control_characters_is_a_422_problem(
    api: Api, prepared: Prepared, key: bytes
) -> None:
    before = api.version(prepared.budget_id)
    auth = f"Bearer {api.keys['caseworker']}".encode()
    headers = httpx.Headers([(b"Authorization", auth), (b"Idempotency-Key", key)])
    answer = api.client.post(f"/v1/budgets/{prepared.budget_id}/spends", json=spend_body(), headers=headers)
    problem = problem_of(answer, 422, "unsafe-text")
    assert "Idempotency-Key" in problem["detail"]
    assert api.version(prepared.budget_id) == before


@pytest.fixture
def server(tmp_path: Any) -> Iterator[int]:
    """The API under a real uvicorn with the ledger's protocol, on a free port."""
    service = LedgerService(url=f"sqlite:///{tmp_path}/wire.db")
    app = create_app(service=service, run_projections=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=ProblemH11Protocol, log_level="error")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.02)
    try:
        yield port
    finally:
        running.should_exit = True
        thread.join(5)
        service.close()


def raw_request(port: int, head: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    header_block, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = header_block.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status_line, headers, body


@pytest.mark.parametrize("bad", [b"\x00", b"\rX"], ids=["NUL", "bare CR"])
def test_a_malformed_header_is_answered_as_a_problem_not_plain_text(server: int, bad: bytes) -> None:
    key = b"Idempotency-Key: k" + bad + b"1\r\n"
    head = b"POST /v1/budgets/" + str(uuid.uuid4()).encode() + b"/spends HTTP/1.1\r\nHost: x\r\n" + key
    status, headers, body = raw_request(server, head + b"Content-Length: 0\r\n\r\n")
    assert status.startswith("HTTP/1.1 400"), status
    assert headers["content-type"] == PROBLEM_JSON
    problem = json.loads(body)
    assert problem["status"] == 400 and problem["type"].endswith("/problems/malformed-request")
    assert {"title", "detail"} <= problem.keys()


def test_a_well_formed_request_through_the_same_server_is_answered_as_usual(server: int) -> None:
    status, headers, _ = raw_request(
        server, b"GET /v1/budgets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status.startswith("HTTP/1.1 401") and headers["content-type"] == PROBLEM_JSON
