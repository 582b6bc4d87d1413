"""Scheduling, releasing and cancelling instalments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import BudgetId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import Done, InstalmentScheduled
from api.schemas.commands import InstalmentIn, ReasonIn
from ledger.aggregates.actor import Actor

router = APIRouter(
    prefix="/budgets/{budget_id}/instalments",
    tags=["instalments"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Scheduler = Annotated[Actor, allowed("instalments")]
Number = Annotated[int, Path(ge=1, le=1_000_000, description="the instalment's number, from 1")]


@router.post("", status_code=201)
def schedule_instalment(
    budget_id: BudgetId, body: InstalmentIn, actor: Scheduler, service: ServiceDep
) -> InstalmentScheduled:
    """Schedule an instalment (caseworker); scheduled instalments never add up to more than the allocation."""
    outcome = service.schedule_instalment(actor, budget_id, body.amount, body.due_on, body.gated)
    return InstalmentScheduled.of(outcome.budget, number=outcome.result)


@router.post("/{number}/release")
def release_instalment(budget_id: BudgetId, number: Number, actor: Scheduler, service: ServiceDep) -> Done:
    """Release an instalment (caseworker); a gated one waits for a fresh accepted monitoring return."""
    return Done.of(service.release_instalment(actor, budget_id, number).budget)


@router.post("/{number}/cancellation")
def cancel_instalment(
    budget_id: BudgetId, number: Number, body: ReasonIn, actor: Scheduler, service: ServiceDep
) -> Done:
    """Cancel an instalment that is not yet released (caseworker), with a reason."""
    return Done.of(service.cancel_instalment(actor, budget_id, number, body.reason).budget)
