"""One router per resource, all made by `v1_router` so every route of /v1 is held to the same rules.

Those rules: an unknown query parameter is a 422 (`api.deps.KnownQuery`), a body
is JSON or a 415 (`api.errors.json_only`), and the operation id is the route
function's name in camelCase (`api.openapi.operation_id`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.deps import KnownQuery
from api.errors import json_only
from api.openapi import operation_id


def v1_router(**kwargs: Any) -> APIRouter:
    return APIRouter(
        dependencies=[KnownQuery, Depends(json_only)], generate_unique_id_function=operation_id, **kwargs
    )
