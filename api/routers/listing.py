"""Listing budgets, from the balances read model, a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import ServiceDep, allowed
from api.errors import problem_responses
from api.readside import ReadSideDep, mark_freshness
from api.schemas.budget import Balances
from api.schemas.types import Status
from ledger.aggregates.actor import Actor

router = APIRouter(prefix="/budgets", tags=["budgets"])
Lister = Annotated[Actor, allowed("list")]


class BudgetSummary(BaseModel):
    id: str
    reference: str
    family_ref: str
    period_start: str
    period_end: str
    management: str
    cohort: str | None
    broker_org: str | None
    status: str
    version: int
    balances: Balances


class BudgetPage(BaseModel):
    items: list[BudgetSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


@router.get("", responses=problem_responses(401, 403, 422, 500))
def list_budgets(
    actor: Lister,
    read_side: ReadSideDep,
    service: ServiceDep,
    response: Response,
    cohort: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> BudgetPage:
    """Budgets in the order they were opened (caseworker, auditor; a broker sees its own)."""
    broker_org = actor.org if actor.role == "broker" else None
    items, next_cursor = read_side.view("balances").list_budgets(
        cohort=cohort, status=status, broker_org=broker_org, limit=limit, cursor=cursor
    )
    mark_freshness(response, read_side, service, "balances")
    return BudgetPage(items=[BudgetSummary.model_validate(i) for i in items], next_cursor=next_cursor)
