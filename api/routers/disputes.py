"""Disputes: raised by the family (or a caseworker for it), resolved by a caseworker."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DisputeRaisedAnswer, DoneAnswer
from api.schemas.commands import DisputeIn, ResolutionIn
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor

router = v1_router(
    prefix="/budgets/{budget_id}/disputes",
    tags=["disputes"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Raiser = Annotated[Actor, allowed(Action.RAISE_DISPUTE)]
Resolver = Annotated[Actor, allowed(Action.RESOLVE_DISPUTE)]


@router.post("", status_code=201, responses=conflicts(errors.ConcurrentUpdate))
def raise_dispute(
    budget_id: BudgetId, body: DisputeIn, actor: Raiser, service: ServiceDep, write: WriteDep
) -> DisputeRaisedAnswer:
    """Dispute the allocation, a spend, an instalment or a return (family in scope, caseworker)."""
    return write.run(
        answers.dispute_raised,
        lambda once: service.raise_dispute(
            actor, budget_id, body.subject, body.grounds, body.subject_ref, once=once
        ),
    )


@router.post("/{dispute_id}/resolution", responses=conflicts(errors.DisputeNotOpen))
def resolve_dispute(
    budget_id: BudgetId,
    dispute_id: ItemId,
    body: ResolutionIn,
    actor: Resolver,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Resolve an open dispute (caseworker); a money change follows as its own command naming the dispute."""
    return write.run(
        answers.done,
        lambda once: service.resolve_dispute(
            actor, budget_id, dispute_id, body.outcome, body.resolution, once=once
        ),
    )
