"""Commitments (issue 10): orders agreed with providers, held against a budget until paid or cancelled.

Who may act is as for spends (a broker in scope, a caseworker); commits and
payments take an Idempotency-Key as spends do (a retry answers the first answer).
"""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas.commitments import (
    CancellationIn,
    CommitmentAnswer,
    CommitmentIn,
    CommitmentList,
    CommitmentOut,
    PaymentAnswer,
    PaymentIn,
    commitment_cancelled,
    commitment_made,
    payment_made,
)
from api.writes import KeyedWrite, WriteDep
from ledger import commitments as use
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.commitments import CommitmentRequest
from ledger.aggregates.spending import SpendRequest

router = v1_router(
    prefix="/budgets/{budget_id}/commitments",
    tags=["commitments"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Committer = Annotated[Actor, allowed(Action.RECORD_SPEND)]
Reader = Annotated[Actor, allowed(Action.READ)]


@router.post(
    "",
    status_code=201,
    responses=conflicts(
        errors.CommitmentsNotEnabled,
        errors.InsufficientFunds,
        errors.BudgetNotActive,
        errors.CategoryNotAllowed,
        errors.ProviderNotRegistered,
        errors.IdempotencyKeyReused,
        errors.ConcurrentUpdate,
    ),
)
def make_commitment(
    budget_id: BudgetId, body: CommitmentIn, actor: Committer, service: ServiceDep, write: KeyedWrite
) -> CommitmentAnswer:
    """Commit an order with a register provider from available funds (which count open commitments)."""
    request = CommitmentRequest(**dict(body))
    return write.run(
        commitment_made,
        lambda once: use.make_commitment(
            service, actor, budget_id, request, idempotency_key=write.key, once=once
        ),
    )


@router.get("")
def list_commitments(budget_id: BudgetId, actor: Reader, service: ServiceDep) -> CommitmentList:
    """The budget's commitments, oldest first, with what each still holds (whoever may read the budget)."""
    budget = service.read(actor, budget_id)
    return CommitmentList(items=[CommitmentOut.of(c) for c in budget.commitments.values()])


@router.post(
    "/{commitment_id}/payments",
    status_code=201,
    responses=conflicts(
        errors.CommitmentNotOpen,
        errors.PaymentAboveCommitment,
        errors.BudgetNotActive,
        errors.ServiceDateOutsidePeriod,
        errors.CategoryNotAllowed,
        errors.CategoryCapExceeded,
        errors.ProviderNotApproved,
        errors.InHouseProviderExcluded,
        errors.NightsThresholdOverrideRequired,
        errors.IdempotencyKeyReused,
        errors.ConcurrentUpdate,
    ),
)
def pay_commitment(
    budget_id: BudgetId,
    commitment_id: ItemId,
    body: PaymentIn,
    actor: Committer,
    service: ServiceDep,
    write: KeyedWrite,
) -> PaymentAnswer:
    """Pay part or all of an open commitment: a spend of the provider and category ordered, checked by
    every spending rule of the scheme, that consumes the commitment by its amount."""
    payment = SpendRequest(
        body.amount,
        "other",  # the commitment's category replaces it
        "",
        body.service_date,
        body.description,
        body.units,
        nights_override_reason=body.nights_override_reason,
    )
    return write.run(
        payment_made(commitment_id),
        lambda once: use.pay_commitment(
            service, actor, budget_id, commitment_id, payment, idempotency_key=write.key, once=once
        ),
    )


@router.post(
    "/{commitment_id}/cancellation", responses=conflicts(errors.CommitmentNotOpen, errors.BudgetClosed)
)
def cancel_commitment(
    budget_id: BudgetId,
    commitment_id: ItemId,
    body: CancellationIn,
    actor: Committer,
    service: ServiceDep,
    write: WriteDep,
) -> CommitmentAnswer:
    """Cancel an open commitment with a reason: what is outstanding is released; payments stay."""
    return write.run(
        commitment_cancelled,
        lambda once: use.cancel_commitment(service, actor, budget_id, commitment_id, body.reason, once=once),
    )
