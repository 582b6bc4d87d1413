"""Virtual-budget trials: started, spent against (never touching real balances), concluded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.errors import problem_responses
from api.routers.spends import IdempotencyKey
from api.schemas.answers import Done, SpendRecorded, TrialStarted
from api.schemas.commands import ConclusionIn, TrialIn, TrialSpendIn
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest

router = APIRouter(
    prefix="/budgets/{budget_id}/trials",
    tags=["trials"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Trialist = Annotated[Actor, allowed("trial")]
TrialSpender = Annotated[Actor, allowed("trial_spend")]


@router.post("", status_code=201)
def start_trial(budget_id: BudgetId, body: TrialIn, actor: Trialist, service: ServiceDep) -> TrialStarted:
    """Start a trial with a virtual amount and the baseline cost it would replace (caseworker)."""
    outcome = service.start_trial(actor, budget_id, body.name, body.virtual_amount, body.baseline_cost)
    return TrialStarted.of(outcome.budget, trial_id=outcome.result)


@router.post("/{trial_id}/spends", status_code=201)
def record_trial_spend(
    budget_id: BudgetId,
    trial_id: ItemId,
    body: TrialSpendIn,
    key: IdempotencyKey,
    actor: TrialSpender,
    service: ServiceDep,
) -> SpendRecorded:
    """Record a spend against an open trial's virtual amount (broker in scope, caseworker)."""
    request = SpendRequest(**dict(body))
    outcome = service.record_trial_spend(actor, budget_id, trial_id, request, idempotency_key=key)
    return SpendRecorded.of(outcome.budget, spend_id=outcome.result.spend_id)


@router.post("/{trial_id}/conclusion")
def conclude_trial(
    budget_id: BudgetId, trial_id: ItemId, body: ConclusionIn, actor: Trialist, service: ServiceDep
) -> Done:
    """Conclude an open trial as adopted or abandoned (caseworker)."""
    return Done.of(service.conclude_trial(actor, budget_id, trial_id, body.outcome, body.notes).budget)
