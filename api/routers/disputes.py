"""Disputes: raised by the family (or a caseworker for it), resolved by a caseworker."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import DisputeRaised, Done
from api.schemas.commands import DisputeIn, ResolutionIn
from ledger.aggregates.actor import Actor

router = APIRouter(
    prefix="/budgets/{budget_id}/disputes",
    tags=["disputes"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Raiser = Annotated[Actor, allowed("raise_dispute")]
Resolver = Annotated[Actor, allowed("resolve_dispute")]


@router.post("", status_code=201)
def raise_dispute(budget_id: BudgetId, body: DisputeIn, actor: Raiser, service: ServiceDep) -> DisputeRaised:
    """Dispute the allocation, a spend, an instalment or a return (family in scope, caseworker)."""
    outcome = service.raise_dispute(actor, budget_id, body.subject, body.grounds, body.subject_ref)
    return DisputeRaised.of(outcome.budget, dispute_id=outcome.result)


@router.post("/{dispute_id}/resolution")
def resolve_dispute(
    budget_id: BudgetId, dispute_id: ItemId, body: ResolutionIn, actor: Resolver, service: ServiceDep
) -> Done:
    """Resolve an open dispute (caseworker); a money change follows as its own command naming the dispute."""
    outcome = service.resolve_dispute(actor, budget_id, dispute_id, body.outcome, body.resolution)
    return Done.of(outcome.budget)
