"""Spends (idempotent by the caller's key), their reversal, and surplus recovery."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas.answers import DoneAnswer, SpendRecordedAnswer
from api.schemas.commands import RecoveryIn, ReversalIn, SpendIn
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest

router = v1_router(
    prefix="/budgets/{budget_id}",
    tags=["spends"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Spender = Annotated[Actor, allowed(Action.SPEND)]
Recoverer = Annotated[Actor, allowed(Action.RECOVER)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="one per spend: a retry with the same key and body records nothing",
    ),
]


@router.post(
    "/spends",
    status_code=201,
    responses=conflicts(
        errors.InsufficientFunds,
        errors.BudgetNotActive,
        errors.ServiceDateOutsidePeriod,
        errors.StreamNotAllocated,
        errors.IdempotencyKeyReused,
        errors.ConcurrentUpdate,
        errors.CategoryNotAllowed,
        errors.CategoryCapExceeded,
    ),
)
def record_spend(
    budget_id: BudgetId,
    body: SpendIn,
    key: IdempotencyKey,
    actor: Spender,
    service: ServiceDep,
    response: Response,
) -> SpendRecordedAnswer:
    """Record a spend from available funds (broker in scope, caseworker, the family where its scheme
    allows); retries answer the same spend. Above the scheme's approval threshold it is held: 202."""
    outcome = service.record_spend(actor, budget_id, SpendRequest(**dict(body)), idempotency_key=key)
    spend_id = outcome.result.spend_id
    held = spend_id in outcome.budget.awaiting_approval
    if held:
        response.status_code = 202
    return SpendRecordedAnswer.of(outcome.budget, spend_id=spend_id, awaiting_approval=held)


@router.post(
    "/spends/{spend_id}/reversal", responses=conflicts(errors.SpendAlreadyReversed, errors.BudgetClosed)
)
def reverse_spend(
    budget_id: BudgetId, spend_id: ItemId, body: ReversalIn, actor: Spender, service: ServiceDep
) -> DoneAnswer:
    """Reverse a spend once (broker in scope, caseworker), optionally naming a dispute."""
    outcome = service.reverse_spend(actor, budget_id, spend_id, body.reason, body.dispute_id)
    return DoneAnswer.of(outcome.budget)


@router.post("/surplus-recoveries", responses=conflicts(errors.InsufficientFunds, errors.BudgetNotActive))
def recover_surplus(
    budget_id: BudgetId, body: RecoveryIn, actor: Recoverer, service: ServiceDep
) -> DoneAnswer:
    """Recover unspent released money (caseworker), never more than is available."""
    return DoneAnswer.of(service.recover_surplus(actor, budget_id, body.amount, body.reason).budget)
