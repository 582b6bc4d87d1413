"""Spends (idempotent by the caller's key), their reversal, and surplus recovery."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.paging import Cursor, Limit, newest_first
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer, SpendRecordedAnswer
from api.schemas.budget import SPENDS, SpendOut, SpendPage
from api.schemas.commands import RecoveryIn, ReversalIn, SpendIn
from api.writes import KeyedWrite, WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest

router = v1_router(
    prefix="/budgets/{budget_id}",
    tags=["spends"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Spender = Annotated[Actor, allowed(Action.RECORD_SPEND)]
Reader = Annotated[Actor, allowed(Action.READ)]
Recoverer = Annotated[Actor, allowed(Action.RECOVER)]


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
        errors.ProviderNotRegistered,
        errors.ProviderNotApproved,
        errors.InHouseProviderExcluded,
        errors.NightsThresholdOverrideRequired,
    ),
)
def record_spend(
    budget_id: BudgetId, body: SpendIn, actor: Spender, service: ServiceDep, write: KeyedWrite
) -> SpendRecordedAnswer:
    """Record a spend from available funds (broker in scope, caseworker, the family where its scheme
    allows); retries answer the same spend. Above the scheme's approval threshold it is held: 202."""
    request = SpendRequest(**{**dict(body), "provider": body.provider or ""})
    answer = write.run(
        answers.spend_recorded,
        lambda once: service.record_spend(actor, budget_id, request, idempotency_key=write.key, once=once),
    )
    if answer.awaiting_approval:
        write.response.status_code = 202
    return answer


@router.post(
    "/spends/{spend_id}/reversal", responses=conflicts(errors.SpendAlreadyReversed, errors.BudgetClosed)
)
def reverse_spend(
    budget_id: BudgetId,
    spend_id: ItemId,
    body: ReversalIn,
    actor: Spender,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Reverse a spend once (broker in scope, caseworker), optionally naming a dispute."""
    return write.run(
        answers.done,
        lambda once: service.reverse_spend(
            actor, budget_id, spend_id, body.reason, body.dispute_id, once=once
        ),
    )


@router.post("/surplus-recoveries", responses=conflicts(errors.InsufficientFunds, errors.BudgetNotActive))
def recover_surplus(
    budget_id: BudgetId, body: RecoveryIn, actor: Recoverer, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Recover unspent released money (caseworker), never more than is available."""
    return write.run(
        answers.done,
        lambda once: service.recover_surplus(actor, budget_id, body.amount, body.reason, once=once),
    )


@router.get("/spends")
def list_spends(
    budget_id: BudgetId, actor: Reader, service: ServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> SpendPage:
    """The budget's spends, newest first, a page at a time (whoever may read the budget)."""
    budget = service.read(actor, budget_id)
    page, next_cursor = newest_first(SPENDS, list(budget.spends.values()), limit, cursor)
    return SpendPage(items=[SpendOut.model_validate(vars(s)) for s in page], next_cursor=next_cursor)
