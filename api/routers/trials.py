"""Virtual-budget trials: started, spent against (never touching real balances), concluded."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer, SpendRecordedAnswer, TrialStartedAnswer
from api.schemas.commands import ConclusionIn, TrialIn, TrialSpendIn
from api.writes import KeyedWrite, WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest

router = v1_router(
    prefix="/budgets/{budget_id}/trials",
    tags=["trials"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Trialist = Annotated[Actor, allowed(Action.TRIAL)]
TrialSpender = Annotated[Actor, allowed(Action.TRIAL_SPEND)]


@router.post("", status_code=201, responses=conflicts(errors.BudgetClosed))
def start_trial(
    budget_id: BudgetId, body: TrialIn, actor: Trialist, service: ServiceDep, write: WriteDep
) -> TrialStartedAnswer:
    """Start a trial with a virtual amount and the baseline cost it would replace (caseworker)."""
    return write.run(
        answers.trial_started,
        lambda once: service.start_trial(
            actor, budget_id, body.name, body.virtual_amount, body.baseline_cost, once=once
        ),
    )


@router.post(
    "/{trial_id}/spends",
    status_code=201,
    responses=conflicts(errors.TrialBudgetExceeded, errors.TrialNotOpen, errors.IdempotencyKeyReused),
)
def record_trial_spend(
    budget_id: BudgetId,
    trial_id: ItemId,
    body: TrialSpendIn,
    actor: TrialSpender,
    service: ServiceDep,
    write: KeyedWrite,
) -> SpendRecordedAnswer:
    """Record a spend against an open trial's virtual amount (broker in scope, caseworker)."""
    request = SpendRequest(**dict(body))
    return write.run(
        answers.spend_recorded,
        lambda once: service.record_trial_spend(
            actor, budget_id, trial_id, request, idempotency_key=write.key, once=once
        ),
    )


@router.post("/{trial_id}/conclusion", responses=conflicts(errors.TrialNotOpen))
def conclude_trial(
    budget_id: BudgetId,
    trial_id: ItemId,
    body: ConclusionIn,
    actor: Trialist,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Conclude an open trial as adopted or abandoned (caseworker)."""
    return write.run(
        answers.done,
        lambda once: service.conclude_trial(actor, budget_id, trial_id, body.outcome, body.notes, once=once),
    )
