"""Request ids and JSON logs: one id per request, given back, in every problem and on every log line."""

from __future__ import annotations

import io
import json
import logging
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from ledger.ops.logs import JsonFormatter, RequestIdFilter, log_config
from tests.api.conftest import Api, problem_of


def test_a_sane_request_id_is_given_back_and_a_missing_or_odd_one_replaced(api: Api) -> None:
    assert api.get("/health/live", None, headers={"X-Request-ID": "abc-123.x"}).headers["X-Request-ID"] == (
        "abc-123.x"
    )
    fresh = {api.get("/health/live", None).headers["X-Request-ID"] for _ in range(2)}
    assert len(fresh) == 2 and all(len(rid) == 32 for rid in fresh)
    odd = api.get("/health/live", None, headers={"X-Request-ID": "a b;" + "x" * 200})
    assert odd.headers["X-Request-ID"].isalnum()


@pytest.mark.parametrize("who,path,status", [(None, "/v1/budgets", 401), ("admin", "/v1/budgets", 403)])
def test_every_problem_carries_the_request_id(api: Api, who: str | None, path: str, status: int) -> None:
    answer = api.get(path, who, headers={"X-Request-ID": "req-42"})
    body = problem_of(answer, status)
    assert body["request_id"] == "req-42" == answer.headers["X-Request-ID"]
    assert int(answer.headers["content-length"]) == len(answer.content)


def test_a_500_carries_the_request_id_and_its_log_line_the_same_id(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger("api").addHandler(handler)
    monkeypatch.setattr(api.service, "load", lambda *a, **k: 1 / 0)
    try:
        with TestClient(api.client.app, raise_server_exceptions=False) as client:
            answer = client.get(
                f"/v1/budgets/{uuid4()}",
                headers={**api.headers("caseworker"), "X-Request-ID": "boom-1"},
            )
    finally:
        logging.getLogger("api").removeHandler(handler)
    assert problem_of(answer, 500, "internal-error")["request_id"] == "boom-1"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(line["request_id"] == "boom-1" for line in lines)
    assert lines[0]["level"] == "error" and "ZeroDivisionError" in lines[0]["exc"]


def test_log_lines_outside_a_request_are_json_with_no_id() -> None:
    record = logging.makeLogRecord({"name": "ledger.x", "msg": "store %s", "args": ("lost",), "levelno": 30})
    record.levelname = "WARNING"
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "store lost" and line["request_id"] is None and line["level"] == "warning"
    assert log_config()["root"]["handlers"] == ["stderr"]
