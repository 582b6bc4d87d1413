"""The access log over HTTP: who read which family's data, when, by which route (auditor, admin).

What a council needs for a subject-access request or a breach question, as JSON or,
with `Accept: text/csv`, as a spreadsheet. Reading the log is not itself a read of
a family's budget, so it is not logged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.schemas.types import Day, Ref
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.errors import InvalidPeriod
from ledger.projections.csvout import rows_csv

router = v1_router(prefix="/access-log", tags=["access log"])
LogReader = Annotated[Actor, allowed(Action.ACCESS_LOG)]
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "as CSV"}
COLUMNS = ["at", "actor_id", "actor_role", "family_ref", "budget_id", "route"]


class AccessOut(BaseModel):
    at: str = Field(description="when the data was read, ISO 8601 UTC")
    actor_id: str = Field(description="the key that read it, as `key:<id>`")
    actor_role: str
    family_ref: str
    budget_id: str
    route: str = Field(description="the route's method and template, or the command that read it")


class AccessLogOut(BaseModel):
    entries: list[AccessOut] = Field(description="oldest first; at most 10,000: narrow by family or dates")


@router.get("", response_model=AccessLogOut, responses={200: CSV, **problem_responses(401, 403, 422, 500)})
def read_access_log(
    request: Request,
    actor: LogReader,
    service: ServiceDep,
    family_ref: Annotated[Ref | None, Query(description="one family's reference")] = None,
    date_from: Annotated[Day | None, Query(alias="from", description="first day, UTC")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="last day, UTC, included")] = None,
) -> Any:
    """Every logged read of a family's budget, oldest first (auditor, admin)."""
    if date_from and date_to and date_from > date_to:
        raise InvalidPeriod("from is after to")
    entries = [
        {**vars(e), "at": e.at.isoformat()}
        for e in service.access_log.entries(family_ref, date_from, date_to)
    ]
    if "text/csv" in request.headers.get("accept", ""):
        return Response(rows_csv(entries, COLUMNS), media_type="text/csv; charset=utf-8")
    return AccessLogOut.model_validate({"entries": entries})
