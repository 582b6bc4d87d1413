"""Commitments: agreed orders with providers (unit price times quantity) held against a budget's funds.

Council finance systems commit an order when it is agreed, before it is paid, so
money promised to a provider cannot be spent twice. Here a commitment is made
from available funds and, while open, holds its outstanding amount: available
funds are released money less net spend, recoveries and open commitments, so a
budget can never be over-committed. A payment is a real spend (checked by every
spending rule of the scheme, on the provider and category ordered) that consumes
the commitment by its amount; a commitment fully paid, or cancelled with a
reason, holds nothing more. Only schemes with a `commitments` block take them.

The commitment's state is a frozen dataclass evolved with `dataclasses.replace`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.chain import _plain_leaf
from ledger.aggregates.events import BudgetEvent
from ledger.aggregates.provider import Standing
from ledger.aggregates.spending import SpendingCommands, SpendRequest, replay_or_refuse
from ledger.aggregates.state import Spend
from ledger.aggregates.vocabulary import Category, Unit, check_choice
from ledger.money import ZERO, to_positive_money

if TYPE_CHECKING:
    from ledger.aggregates.budget import Budget

OPEN, PAID, CANCELLED = "open", "paid", "cancelled"
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Commitment:
    commitment_id: str
    provider_id: str
    category: str
    description: str
    unit_price: Decimal
    quantity: Decimal
    unit: str | None
    amount: Decimal
    request_fingerprint: str
    paid: Decimal = ZERO
    status: str = OPEN
    cancel_reason: str | None = None

    @property
    def outstanding(self) -> Decimal:
        """What the commitment still holds of the budget's funds."""
        return self.amount - self.paid if self.status == OPEN else ZERO


@dataclass(frozen=True)
class CommitmentRequest:
    provider_id: str
    category: str
    description: str
    unit_price: Decimal
    quantity: Decimal
    unit: str | None = None

    def checked(self) -> CommitmentRequest:
        check_choice("category", self.category, Category)
        require_text("description", self.description)
        if self.unit is not None:
            check_choice("unit", self.unit, Unit)
        return replace(
            self, unit_price=to_positive_money(self.unit_price), quantity=to_positive_money(self.quantity)
        )

    @property
    def amount(self) -> Decimal:
        """Unit price times quantity, to the penny (half up)."""
        return (self.unit_price * self.quantity).quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def fingerprint(self) -> str:
        body = json.dumps(vars(self), sort_keys=True, default=_plain_leaf)
        return hashlib.sha256(body.encode()).hexdigest()


# --- events -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommitmentMade(BudgetEvent):
    commitment_id: str
    provider_id: str
    category: str
    description: str
    unit_price: Decimal
    quantity: Decimal
    unit: str | None
    amount: Decimal
    request_fingerprint: str

    def apply_to(self, budget: Budget) -> None:
        fields = {k: getattr(self, k) for k in Commitment.__dataclass_fields__ if hasattr(self, k)}
        budget.commitments[self.commitment_id] = Commitment(**fields)


@dataclass(frozen=True)
class CommitmentPaid(BudgetEvent):
    """Part or all of a commitment consumed by a payment, the spend (`spend_id`) recorded with it."""

    commitment_id: str
    spend_id: str
    amount: Decimal

    def apply_to(self, budget: Budget) -> None:
        held = budget.commitments[self.commitment_id]
        paid = held.paid + self.amount
        budget.commitments[self.commitment_id] = replace(
            held, paid=paid, status=PAID if paid == held.amount else OPEN
        )


@dataclass(frozen=True)
class CommitmentCancelled(BudgetEvent):
    """What is still outstanding is released; what was paid stays paid."""

    commitment_id: str
    reason: str
    released: Decimal

    def apply_to(self, budget: Budget) -> None:
        held = budget.commitments[self.commitment_id]
        budget.commitments[self.commitment_id] = replace(held, status=CANCELLED, cancel_reason=self.reason)


# --- commands ------------------------------------------------------------------------------
class CommitmentCommands(SpendingCommands):
    def require_commitments(self, category: str | None = None) -> None:
        rules = self.scheme.commitments
        which = f"scheme {self.scheme.id} v{self.scheme.version}"
        if rules is None:
            raise errors.CommitmentsNotEnabled(f"{which} takes no commitments")
        if category is not None and rules.categories and category not in rules.categories:
            raise errors.CategoryNotAllowed(f"{which} takes no commitments for {category}")

    def commitment(self, commitment_id: str) -> Commitment:
        if commitment_id not in self.commitments:
            raise errors.ItemNotFound(f"no commitment {commitment_id}")
        return self.commitments[commitment_id]

    def open_commitment(self, commitment_id: str) -> Commitment:
        held = self.commitment(commitment_id)
        if held.status != OPEN:
            raise errors.CommitmentNotOpen(f"commitment {commitment_id} is {held.status}")
        return held

    def make_commitment(
        self, actor: Actor, commitment_id: str, request: CommitmentRequest, standing: Standing | None
    ) -> Commitment:
        """Commit an order with a register provider; the same id again answers the first (or refuses
        another body). Its amount must fit the available funds, which count open commitments."""
        request = request.checked()
        if commitment_id in self.commitments:
            existing = self.commitments[commitment_id]
            if existing.request_fingerprint != request.fingerprint:
                raise errors.IdempotencyKeyReused(f"commitment {commitment_id} was made with another body")
            return existing
        self.require_active()
        self.require_commitments(request.category)
        if standing is None or standing.provider_id != request.provider_id:
            raise errors.ProviderNotRegistered(f"no provider {request.provider_id} in the register")
        amount = request.amount
        if amount > self.available:
            raise errors.InsufficientFunds(
                f"a commitment of {amount} exceeds the available {self.available} "
                f"(open commitments already hold {self.committed})"
            )
        self.record(
            CommitmentMade(
                **self.stamp(actor),
                commitment_id=commitment_id,
                provider_id=request.provider_id,
                category=request.category,
                description=request.description,
                unit_price=request.unit_price,
                quantity=request.quantity,
                unit=request.unit,
                amount=amount,
                request_fingerprint=request.fingerprint,
            )
        )
        return self.commitments[commitment_id]

    def pay_commitment(
        self,
        actor: Actor,
        commitment_id: str,
        spend_id: str,
        payment: SpendRequest,
        standing: Standing | None,
    ) -> Spend:
        """Pay part or all of an open commitment: a real spend of the provider and category ordered,
        checked by every spending rule, that consumes the commitment by its amount. Not held for
        approval: the order was agreed when it was committed. The same `spend_id` again answers it."""
        held = self.commitment(commitment_id)
        request = replace(
            payment,
            category=held.category,
            provider_id=held.provider_id,
            unit=held.unit if payment.units is not None else None,
        ).checked()
        if spend_id in self.spends:
            return replay_or_refuse(self.spends[spend_id], request)
        held = self.open_commitment(commitment_id)
        if request.amount > held.outstanding:
            raise errors.PaymentAboveCommitment(
                f"a payment of {request.amount} exceeds the {held.outstanding} outstanding "
                f"on commitment {commitment_id}"
            )
        self.require_spend_allowed(request, standing)
        self.record(
            CommitmentPaid(
                **self.stamp(actor), commitment_id=commitment_id, spend_id=spend_id, amount=request.amount
            )
        )
        return self.count_spend(actor, spend_id, request)  # funds: the payment draws what it released

    def cancel_commitment(self, actor: Actor, commitment_id: str, reason: str) -> Commitment:
        require_text("reason", reason)
        self.require_not_closed()
        held = self.open_commitment(commitment_id)
        self.record(
            CommitmentCancelled(
                **self.stamp(actor), commitment_id=commitment_id, reason=reason, released=held.outstanding
            )
        )
        return self.commitments[commitment_id]


#: transcoded like `ledger.aggregates.state.STATE_TYPES` (`ledger.store` registers them)
COMMITMENT_TYPES = (Commitment,)
