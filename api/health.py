"""For supervisors and monitoring: liveness, readiness and Prometheus metrics.

`/health/live` answers 200 while the process serves HTTP at all (restart it when
not). `/health/ready` answers 200 when the event store answers and every read
model is within `LEDGER_READY_MAX_LAG` events of it, else 503 with `Retry-After`
(send no traffic until it is 200 again). Neither needs a key, neither touches a
budget, and neither says more than a load balancer needs. `/metrics` is the
Prometheus text format for an admin key: per-worker figures, so scrape each
worker (or run one) when the numbers must add up.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import ServiceDep, allowed
from api.errors import PROBLEM_JSON, problem_type
from api.outage import RETRY_AFTER_SECONDS
from api.readside import ReadSideDep
from ledger.access import Action
from ledger.ops.health import Readiness, readiness
from ledger.ops.metrics import PROCESS


def install(app: FastAPI) -> None:
    """Add the routes to `app` itself (the landing page links the health checks it finds there)."""
    app.add_api_route("/health/live", live, methods=["GET"], include_in_schema=False)
    app.add_api_route("/health/ready", ready, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        "/metrics", metrics, methods=["GET"], include_in_schema=False, dependencies=[allowed(Action.METRICS)]
    )


def live() -> dict[str, str]:
    return {"status": "live"}


def ready(request: Request, service: ServiceDep, read_side: ReadSideDep) -> JSONResponse:
    tables = request.app.state.tables  # made in the background after a start while the store was down
    if tables is not None and not tables.done.is_set():
        state = Readiness(False, "unreachable since start: tables not made yet")
    else:
        state = readiness(service, read_side, request.app.state.settings.ready_max_lag)
    if state.ready:
        return JSONResponse(state.as_json())
    body = {
        "type": problem_type(str(request.base_url), "not-ready"),
        "title": "The ledger is not ready to serve.",
        "status": 503,
        "detail": f"Store: {state.store}; read models behind by {state.lag or 'unknown'} events.",
        "instance": request.url.path,
        "store": state.store,
        "lag": state.lag,
    }
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(body, 503, headers=headers, media_type=PROBLEM_JSON)


def metrics(request: Request) -> Response:
    text = generate_latest(request.app.state.http_metrics.registry) + generate_latest(PROCESS)
    return Response(text, media_type=CONTENT_TYPE_LATEST)
