"""Scheduling, releasing and cancelling instalments."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer, InstalmentScheduledAnswer
from api.schemas.commands import InstalmentIn, ReasonIn
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor

router = v1_router(
    prefix="/budgets/{budget_id}/instalments",
    tags=["instalments"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Scheduler = Annotated[Actor, allowed(Action.INSTALMENTS)]
Releaser = Annotated[Actor, allowed(Action.RELEASE)]
Number = Annotated[int, Path(ge=1, le=1_000_000, description="the instalment's number, from 1")]


@router.post(
    "",
    status_code=201,
    responses=conflicts(
        errors.ScheduleExceedsAllocation,
        errors.AllocationNotDecided,
        errors.BudgetClosed,
        errors.InstalmentsSetByScheme,
    ),
)
def schedule_instalment(
    budget_id: BudgetId, body: InstalmentIn, actor: Scheduler, service: ServiceDep, write: WriteDep
) -> InstalmentScheduledAnswer:
    """Schedule an instalment (caseworker); scheduled instalments never add up to more than the allocation."""
    return write.run(
        answers.instalment_scheduled,
        lambda once: service.schedule_instalment(
            actor, budget_id, body.amount, body.due_on, body.gated, once=once
        ),
    )


@router.post(
    "/{number}/release",
    responses=conflicts(
        errors.InstalmentGated,
        errors.InstalmentNotPending,
        errors.BudgetNotActive,
        errors.BankAccountNotConfirmed,
    ),
)
def release_instalment(
    budget_id: BudgetId, number: Number, actor: Releaser, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Release an instalment (caseworker, or the scheme's payments administrator); a gated one waits
    for a fresh monitoring return, submitted or accepted as the scheme says."""
    return write.run(
        answers.done, lambda once: service.release_instalment(actor, budget_id, number, once=once)
    )


@router.post("/{number}/cancellation", responses=conflicts(errors.InstalmentNotPending, errors.BudgetClosed))
def cancel_instalment(
    budget_id: BudgetId,
    number: Number,
    body: ReasonIn,
    actor: Scheduler,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Cancel an instalment that is not yet released (caseworker), with a reason."""
    return write.run(
        answers.done, lambda once: service.cancel_instalment(actor, budget_id, number, body.reason, once=once)
    )
