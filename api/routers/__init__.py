"""One router per resource, all made by `v1_router` so every route of /v1 is held to the same rules.

Those rules: an unknown query parameter is a 422 (`api.deps.KnownQuery`), a body
is JSON or a 415 (`api.errors.json_only`), and the operation id is the route
function's name in camelCase (`api.openapi.operation_id`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute

from api.deps import KnownQuery
from api.errors import json_only
from api.openapi import operation_id
from ledger.access_log import reading_route


async def name_the_route(request: Request) -> None:
    """Security (issue 14): reads of a budget are logged under the route's template
    (`ledger.access_log`). Async, so the name is set in the request's own context,
    which the thread running the route inherits."""
    route = request.scope.get("route")
    path = f"/v1{route.path}" if isinstance(route, APIRoute) else request.url.path  # v1 routers mount at /v1
    reading_route.set(f"{request.method} {path}")


def v1_router(**kwargs: Any) -> APIRouter:
    return APIRouter(
        dependencies=[KnownQuery, Depends(json_only), Depends(name_the_route)],
        generate_unique_id_function=operation_id,
        **kwargs,
    )
