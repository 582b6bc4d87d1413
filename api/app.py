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
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from api import docs, errors, health, observability, openapi, outage, pages, problems, writes
from api import security as security_layer
from api.reveal import RevealSealedText
from api.routers import access_log as access_log_router
from api.routers import (
    allocation,
    analytics,
    audit,
    budgets,
    commitments,
    dispute_pack,
    disputes,
    envelopes,
    families,
    ingest,
    instalments,
    ledger_proof,
    listing,
    monitoring,
    plan_analytics,
    planning,
    providers,
    ras,
    reviews_status,
    schemes,
    spends,
    statement,
    trials,
)
from ledger.ops.health import ProcessGauges
from ledger.ops.outage import open_ledger
from ledger.projections.readside import ReadSide
from ledger.settings import Settings
from ledger.use_cases import LedgerService

#: every router of /v1, in the order they appear in the docs
ROUTERS: list[APIRouter] = [
    listing.router,
    budgets.router,
    allocation.router,
    instalments.router,
    spends.router,
    ingest.router,
    monitoring.router,
    trials.router,
    disputes.router,
    reviews_status.router,
    planning.router,  # the decision pathway (issue 9)
    audit.router,
    ras.router,
    analytics.router,
    plan_analytics.router,  # the decision pathway (issue 9)
    envelopes.router,
    schemes.router,
    access_log_router.router,  # security (issue 14)
    # --- audit: the whole-ledger proof ---
    ledger_proof.router,
    statement.router,
    dispute_pack.router,
    providers.router,  # issue 10
    commitments.router,  # issue 10: orders agreed with providers
    families.router,  # erasure of a family's free text (ledger.erasure)
]
DESCRIPTION = """\
The ledger of individual budgets for short breaks.

Every request carries `Authorization: Bearer <api key>` (made with `ledger keys create`).
Money is a JSON string with at most two decimals (`"300.00"`), never a JSON number;
dates are `YYYY-MM-DD`, times ISO 8601 with an offset. Errors are RFC 9457
`application/problem+json`; a 409's `type` names the business rule that refused
(for example `/problems/insufficient-funds`, a page of this ledger that explains the rule).
"""
#: headers a browser client may send, and read back, across origins (when CORS is on)
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "Accept", "Idempotency-Key"]
CORS_EXPOSED_HEADERS = ["X-Ledger-Position", "X-Projection-Position", "X-Projection-Lag", "Retry-After"]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Process start and stop: the projections run in the background unless told not to."""
    if app.state.run_projections:
        app.state.read_side.start()
    try:
        yield
    finally:
        if app.state.run_projections:
            app.state.read_side.stop()
        if app.state.tables is not None:  # ledger.ops.outage: tables made after a start while down
            app.state.tables.stop()
        if app.state.owns_service:
            app.state.service.close()


def create_app(
    service: LedgerService | None = None,
    read_side: ReadSide | None = None,
    run_projections: bool | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The API on `service`, or on a new one on `settings`' store (closed at shutdown).

    `settings` (built from the `LEDGER_*` environment when not given) sets the body
    limit, the CORS origins (none by default: no CORS middleware at all) and whether
    the read models are kept up to date in this process (LEDGER_RUN_PROJECTIONS=0
    for deployments running `ledger projections run`); `run_projections` overrides it.
    """
    settings = settings or Settings()
    app = FastAPI(
        title="Individual budget ledger",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by api.docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.owns_service = service is None
    app.state.service, app.state.tables = (service, None) if service is not None else open_ledger(settings)
    app.state.read_side = read_side or ReadSide(app.state.service.url)
    app.state.run_projections = settings.run_projections if run_projections is None else run_projections
    app.add_middleware(RevealSealedText)  # innermost: every JSON answer's sealed text opened (ledger.erasure)
    errors.install(app)
    writes.install(app)  # a repeated request's answer (Idempotency-Key)
    batch = {"/v1" + ingest.PATH: settings.max_batch_bytes}
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes, paths=batch)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
        )
    # --- security (issue 14): its middleware lives in api.security ---
    security_layer.install(app, settings)
    # --- end security ---
    for router in ROUTERS:
        app.include_router(router, prefix="/v1")
    app.state.route_methods = [
        (compile_path("/v1" + route.path)[0], route.methods)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    _pages(app)
    _operations(app)
    return app


def _operations(app: FastAPI) -> None:
    """Health, metrics and request ids (`api.health`, `api.observability`)."""
    health.install(app)
    outage.install(app)
    templates = ["/v1" + r.path for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    templates += [r.path for r in app.routes if isinstance(r, APIRoute)]
    metrics = observability.install(app, templates)
    metrics.registry.register(ProcessGauges(app.state.service, app.state.read_side))


def _pages(app: FastAPI) -> None:
    """The pages for people: the landing page, the problem pages, and the offline docs."""
    app.include_router(pages.router)
    app.include_router(problems.router)
    docs.install(app)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with every error answer served as `application/problem+json`."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[errors.PROBLEM_JSON] = content.pop("application/json")
        openapi.polish(schema)
        app.openapi_schema = schema
    return app.openapi_schema
