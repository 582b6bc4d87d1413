"""Deciding a budget's allocation (with or without a RAS assessment) and revising it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import BudgetId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import Done
from api.schemas.commands import AllocationIn, RevisionIn, by_stream
from ledger.aggregates.actor import Actor

router = APIRouter(
    prefix="/budgets/{budget_id}/allocation",
    tags=["allocation"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Allocator = Annotated[Actor, allowed("allocate")]


@router.post("")
def decide_allocation(budget_id: BudgetId, body: AllocationIn, actor: Allocator, service: ServiceDep) -> Done:
    """Decide the allocation once (caseworker); a total unlike the RAS indicative amount needs a reason."""
    ras = (body.ras.scheme, dict(body.ras.answers), body.ras.version) if body.ras else None
    amounts = by_stream(body.amounts)
    outcome = service.decide_allocation(actor, budget_id, amounts, body.rationale, ras, body.variance_reason)
    return Done.of(outcome.budget)


@router.post("/revisions")
def revise_allocation(budget_id: BudgetId, body: RevisionIn, actor: Allocator, service: ServiceDep) -> Done:
    """Revise the allocation (caseworker), never below what is released; may name the dispute behind it."""
    outcome = service.revise_allocation(
        actor, budget_id, by_stream(body.amounts), body.reason, body.dispute_id
    )
    return Done.of(outcome.budget)
