"""The HTTP API v1: a thin FastAPI shell around one shared `LedgerService`.

Routes parse, build a command, call the service and shape the answer; the
service authorises, loads, decides and saves. Everything is plain `def` (the
`eventsourcing` library has no async API): FastAPI runs routes in its thread
pool against the one process-wide application. Add a resource by appending its
router to `ROUTERS`; start and stop anything long-lived in `lifespan`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from api import errors
from api.routers import (
    allocation,
    audit,
    budgets,
    disputes,
    instalments,
    monitoring,
    ras,
    reviews_status,
    spends,
    trials,
)
from ledger.use_cases import LedgerService

#: every router of /v1, in the order they appear in the docs
ROUTERS: list[APIRouter] = [
    budgets.router,
    allocation.router,
    instalments.router,
    spends.router,
    monitoring.router,
    trials.router,
    disputes.router,
    reviews_status.router,
    audit.router,
    ras.router,
]
DESCRIPTION = """\
The ledger of individual budgets for short breaks.

Every request carries `Authorization: Bearer <api key>` (made with `ledger keys create`).
Money is a JSON string with at most two decimals (`"300.00"`), never a JSON number;
dates are `YYYY-MM-DD`, times ISO 8601 with an offset. Errors are RFC 9457
`application/problem+json`; a 409's `type` names the business rule that refused
(for example `https://ledger.invalid/problems/insufficient-funds`).
"""
#: request bodies are small JSON documents; anything bigger is refused with 413 as it is read
MAX_BODY_BYTES = 64 * 1024


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Process start and stop: projections and other background work hook in here."""
    try:
        yield
    finally:
        if app.state.owns_service:
            app.state.service.close()


def create_app(service: LedgerService | None = None) -> FastAPI:
    """The API on `service`, or on a new one from LEDGER_DATABASE_URL (closed at shutdown)."""
    app = FastAPI(
        title="Individual budget ledger",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.owns_service = service is None
    app.state.service = service if service is not None else LedgerService()
    errors.install(app)
    app.add_middleware(errors.BodyLimit, limit=MAX_BODY_BYTES)
    for router in ROUTERS:
        app.include_router(router, prefix="/v1")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with every error answer served as `application/problem+json`."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[errors.PROBLEM_JSON] = content.pop("application/json")
        app.openapi_schema = schema
    return app.openapi_schema
