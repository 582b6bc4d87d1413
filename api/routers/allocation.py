"""Deciding a budget's allocation (with or without a RAS assessment) and revising it."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer
from api.schemas.commands import AllocationIn, RevisionIn, by_stream
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor

router = v1_router(
    prefix="/budgets/{budget_id}/allocation",
    tags=["allocation"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Allocator = Annotated[Actor, allowed(Action.ALLOCATE)]


@router.post(
    "",
    responses=conflicts(errors.AllocationAlreadyDecided, errors.VarianceReasonRequired, errors.BudgetClosed),
)
def decide_allocation(
    budget_id: BudgetId, body: AllocationIn, actor: Allocator, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Decide the allocation once (caseworker); a total unlike the RAS indicative amount needs a reason."""
    ras = (body.ras.scheme, dict(body.ras.answers), body.ras.version) if body.ras else None
    amounts = by_stream(body.amounts)
    return write.run(
        answers.done,
        lambda once: service.decide_allocation(
            actor, budget_id, amounts, body.rationale, ras, body.variance_reason, once=once
        ),
    )


@router.post(
    "/revisions",
    responses=conflicts(
        errors.RevisionBelowReleased, errors.AllocationNotDecided, errors.ScheduleExceedsAllocation
    ),
)
def revise_allocation(
    budget_id: BudgetId, body: RevisionIn, actor: Allocator, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Revise the allocation (caseworker), never below what is released; may name the dispute behind it."""
    amounts = by_stream(body.amounts)
    return write.run(
        answers.done,
        lambda once: service.revise_allocation(
            actor, budget_id, amounts, body.reason, body.dispute_id, once=once
        ),
    )
