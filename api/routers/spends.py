"""Spends (idempotent by the caller's key), their reversal, and surplus recovery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import Done, SpendRecorded
from api.schemas.commands import RecoveryIn, ReversalIn, SpendIn
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest

router = APIRouter(
    prefix="/budgets/{budget_id}",
    tags=["spends"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Spender = Annotated[Actor, allowed("spend")]
Recoverer = Annotated[Actor, allowed("recover")]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="one per spend: a retry with the same key and body records nothing",
    ),
]


@router.post("/spends", status_code=201)
def record_spend(
    budget_id: BudgetId, body: SpendIn, key: IdempotencyKey, actor: Spender, service: ServiceDep
) -> SpendRecorded:
    """Record a spend from available funds (broker in scope, caseworker); retries answer the same spend."""
    outcome = service.record_spend(actor, budget_id, SpendRequest(**dict(body)), idempotency_key=key)
    return SpendRecorded.of(outcome.budget, spend_id=outcome.result.spend_id)


@router.post("/spends/{spend_id}/reversal")
def reverse_spend(
    budget_id: BudgetId, spend_id: ItemId, body: ReversalIn, actor: Spender, service: ServiceDep
) -> Done:
    """Reverse a spend once (broker in scope, caseworker), optionally naming a dispute."""
    outcome = service.reverse_spend(actor, budget_id, spend_id, body.reason, body.dispute_id)
    return Done.of(outcome.budget)


@router.post("/surplus-recoveries")
def recover_surplus(budget_id: BudgetId, body: RecoveryIn, actor: Recoverer, service: ServiceDep) -> Done:
    """Recover unspent released money (caseworker), never more than is available."""
    return Done.of(service.recover_surplus(actor, budget_id, body.amount, body.reason).budget)
