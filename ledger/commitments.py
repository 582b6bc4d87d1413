"""Commitments as use cases: make, pay and cancel agreed orders against a budget (issue 10).

Thin verbs on the ledger service, as `ledger.use_cases`: each loads the budget,
lets it decide and saves. Who may act is checked as for spends (`record_spend`);
free text (an order's description, a payment's description, a cancellation's
reason) is sealed with the budget's key like every other family text. A
commitment's id comes from the caller's idempotency key as a spend's does.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4, uuid5

from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.aggregates.commitments import Commitment, CommitmentRequest
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.state import Spend
from ledger.application import Outcome
from ledger.idempotency import Once
from ledger.providers import standing_of
from ledger.use_cases import LedgerService

ACTION = "record_spend"  # roles and scope as for spends


def commitment_id(budget_id: UUID, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return str(uuid4())
    return str(uuid5(budget_id, f"commitment:{idempotency_key}"))


def make_commitment(
    service: LedgerService,
    actor: Actor,
    budget_id: UUID,
    request: CommitmentRequest,
    idempotency_key: str | None = None,
    once: Once | None = None,
) -> Outcome[Commitment]:
    cid = commitment_id(budget_id, idempotency_key)
    standing = standing_of(service, request.provider_id)
    return service.change(
        actor,
        ACTION,
        budget_id,
        lambda b: b.make_commitment(
            actor,
            cid,
            replace(request, description=service.seal(b, "description", request.description)),
            standing,
        ),
        once=once,
    )


def pay_commitment(
    service: LedgerService,
    actor: Actor,
    budget_id: UUID,
    cid: str,
    payment: SpendRequest,
    idempotency_key: str | None = None,
    once: Once | None = None,
) -> Outcome[Spend]:
    """`payment`'s amount, service date, description and units; the order gives the rest."""
    spend_id = service.spend_id(budget_id, idempotency_key)

    def pay(b: Budget) -> Spend:
        # the order's provider, looked up on the budget the write loaded: a write is not a read
        # of the family's record, so it adds nothing to the access log
        standing = standing_of(service, b.commitment(cid).provider_id)
        paid = replace(payment, provider=standing.reference if standing else "")
        return b.pay_commitment(actor, cid, spend_id, service.sealed_request(b, paid), standing)

    return service.change(actor, ACTION, budget_id, pay, once=once)


def cancel_commitment(
    service: LedgerService, actor: Actor, budget_id: UUID, cid: str, reason: str, once: Once | None = None
) -> Outcome[Commitment]:
    return service.change(
        actor,
        ACTION,
        budget_id,
        lambda b: b.cancel_commitment(actor, cid, service.seal(b, "reason", reason)),
        once=once,
    )
