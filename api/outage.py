"""A store that cannot be used right now is a 503 with `Retry-After`, never a 500 or a long hang.

The wait is bounded below this layer: the PostgreSQL pool hands out a connection
within `LEDGER_CONNECT_TIMEOUT` seconds or raises, checks each one before use
(`POSTGRES_PRE_PING`), and the library's table-lock wait is bounded too. Whatever
of `ledger.ops.outage.STORE_FAILURES` a route meets becomes this answer; nothing
was recorded (a save is one transaction), so the caller sends the same request
again, with the same `Idempotency-Key`, after `Retry-After` seconds.
"""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.errors import HTTP_PROBLEMS, handle, problem
from ledger.ops.outage import STORE_FAILURES, is_store_failure
from ledger.store import one_line

RETRY_AFTER_SECONDS = 2
log = logging.getLogger("api")


async def unavailable(request: Request, exc: Exception) -> JSONResponse:
    if not is_store_failure(exc):
        return await handle(request, exc)
    log.warning("store unavailable on %s %s: %s", request.method, request.url.path, one_line(str(exc)))
    status, title = HTTP_PROBLEMS["store-unavailable"]
    detail = "The ledger cannot reach its store right now; nothing was recorded. Try again shortly."
    response = problem(str(request.base_url), status, "store-unavailable", title, detail, request.url.path)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install(app: FastAPI) -> None:
    for kind in (*STORE_FAILURES, sqlite3.OperationalError):
        app.add_exception_handler(kind, unavailable)
