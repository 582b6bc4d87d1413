"""Spending commands: spends and their reversals, surplus recovery, virtual-budget trials.

A spend's id comes from the caller's idempotency key, and the event keeps a
fingerprint of the request: the same key with the same body is answered with
the recorded spend and records nothing; the same key with another body is
`IdempotencyKeyReused`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import replace as replaced
from datetime import date
from decimal import Decimal

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.chain import _plain_leaf
from ledger.aggregates.provider import Standing, check_task
from ledger.aggregates.provider_rules import ProviderRules
from ledger.aggregates.scheme_spending import SchemeSpendingRules
from ledger.aggregates.state import Spend
from ledger.aggregates.vocabulary import (
    Category,
    FundingStream,
    Role,
    TrialOutcome,
    TrialStatus,
    Unit,
    check_choice,
)
from ledger.money import ZERO, to_non_negative_money, to_positive_money


@dataclass(frozen=True)
class SpendRequest:
    amount: Decimal
    category: str
    provider: str
    service_date: date
    description: str
    units: Decimal | None = None
    unit: str | None = None
    funding_stream: str | None = None
    #: providers: the register entry paid, the medical tasks involved, why a nights threshold is passed
    provider_id: str | None = None
    medical_tasks: list[str] | None = None
    nights_override_reason: str | None = None

    def checked(self) -> SpendRequest:
        check_choice("category", self.category, Category)
        if self.provider_id is None:  # a register entry names itself (its reference)
            require_text("provider", self.provider)
        for task in self.medical_tasks or []:
            check_task(task)
        if self.nights_override_reason is not None:
            require_text("nights_override_reason", self.nights_override_reason)
        if self.funding_stream is not None:
            check_choice("funding stream", self.funding_stream, FundingStream)
        if (self.units is None) != (self.unit is None):
            raise errors.InvalidInput("units and unit go together")
        if self.unit is not None:
            check_choice("unit", self.unit, Unit)
        units = to_positive_money(self.units) if self.units is not None else None
        return replaced(
            self,
            amount=to_positive_money(self.amount),
            units=units,
            medical_tasks=list(dict.fromkeys(self.medical_tasks or [])) or None,
        )

    @property
    def fingerprint(self) -> str:
        """The request's hash; the provider fields count only when given, so a retry of a spend
        recorded before the register existed still matches its first try."""
        fields = {k: v for k, v in vars(self).items() if k not in LATER or v is not None}
        body = json.dumps(fields, sort_keys=True, default=_plain_leaf)
        return hashlib.sha256(body.encode()).hexdigest()


LATER = frozenset({"provider_id", "medical_tasks", "nights_override_reason"})


def replay_or_refuse(existing: Spend, request: SpendRequest) -> Spend:
    if existing.request_fingerprint != request.fingerprint:
        raise errors.IdempotencyKeyReused(
            f"spend {existing.spend_id} was recorded with another body for this key"
        )
    return existing


class SpendingCommands(SchemeSpendingRules, ProviderRules):
    def record_spend(
        self, actor: Actor, spend_id: str, request: SpendRequest, standing: Standing | None = None
    ) -> Spend:
        """Record a spend, or return the one already recorded under `spend_id`.

        `standing` is the register's provider the request names (`provider_id`), as it stands now.
        """
        request = request.checked()
        if spend_id in self.spends:
            return replay_or_refuse(self.spends[spend_id], request)
        if spend_id in self.awaiting_approval:
            return replay_or_refuse(self.awaiting_approval[spend_id], request)
        self.require_spend_allowed(request, standing)
        threshold = self.scheme.spending.approval_threshold
        if threshold is not None and request.amount > threshold and actor.role != Role.CASEWORKER:
            return self.hold_for_approval(actor, spend_id, request, threshold)
        return self.count_spend(actor, spend_id, request)

    def require_spend_allowed(self, request: SpendRequest, standing: Standing | None) -> None:
        """Every rule a spend meets before it counts, but funds (a commitment's payment shares them)."""
        self.require_active()
        self.require_in_period(request.service_date)
        if request.funding_stream is not None:
            allocated = self.allocation.amounts if self.allocation else {}
            if allocated.get(request.funding_stream, ZERO) <= ZERO:
                raise errors.StreamNotAllocated(f"no allocation from {request.funding_stream}")
        self.require_scheme_allows_spend(request)
        self.require_provider_allowed(request, standing)
        self.require_nights_override(request)

    def count_spend(self, actor: Actor, spend_id: str, request: SpendRequest) -> Spend:
        if request.amount > self.available:
            held = f" (open commitments hold {self.committed})" if self.committed else ""
            raise errors.InsufficientFunds(
                f"spend of {request.amount} exceeds the available {self.available}{held}"
            )
        self.record(
            ev.SpendRecorded(
                **self.stamp(actor),
                spend_id=spend_id,
                amount=request.amount,
                category=request.category,
                provider=request.provider,
                service_date=request.service_date,
                description=request.description,
                units=request.units,
                unit=request.unit,
                funding_stream=request.funding_stream,
                charged_stream=self.charged_stream(request.funding_stream),
                request_fingerprint=request.fingerprint,
                provider_id=request.provider_id,
                medical_tasks=request.medical_tasks,
                nights_override_reason=request.nights_override_reason,
            )
        )
        return self.spends[spend_id]

    def approve_spend(self, actor: Actor, spend_id: str, standing: Standing | None = None) -> Spend:
        """A caseworker approves a held spend: the rules are checked again (with the provider's
        `standing` now), and then it counts."""
        held = self.held_spend(spend_id)
        self.require_active()
        request = SpendRequest(
            held.amount,
            held.category,
            held.provider,
            held.service_date,
            held.description,
            held.units,
            held.unit,
            held.funding_stream,
            held.provider_id,
            list(held.medical_tasks) or None,
            held.nights_override_reason,
        )
        self.require_scheme_allows_spend(request)
        self.require_provider_allowed(request, standing)
        self.require_nights_override(request)
        if request.amount > self.available:
            raise errors.InsufficientFunds(
                f"spend of {request.amount} exceeds the available {self.available}"
            )
        self.record(ev.SpendApproved(**self.stamp(actor), spend_id=spend_id))
        return self.count_spend(actor, spend_id, request)

    def reject_spend(self, actor: Actor, spend_id: str, reason: str) -> None:
        self.held_spend(spend_id)
        require_text("reason", reason)
        self.record(ev.SpendRejected(**self.stamp(actor), spend_id=spend_id, reason=reason))

    def charged_stream(self, requested: str | None) -> str | None:
        """The stream a spend draws on: the one it names, else the budget's only funded stream."""
        if requested is not None:
            return requested
        funded = [s for s, a in (self.allocation.amounts if self.allocation else {}).items() if a > ZERO]
        return funded[0] if len(funded) == 1 else None

    def reverse_spend(self, actor: Actor, spend_id: str, reason: str, dispute_id: str | None = None) -> None:
        spend = self.spend(spend_id)
        self.require_not_closed()
        require_text("reason", reason)
        if dispute_id is not None:
            self.dispute(dispute_id)
        if spend.reversed:
            raise errors.SpendAlreadyReversed(f"spend {spend_id} was reversed already")
        self.record(
            ev.SpendReversed(
                **self.stamp(actor),
                spend_id=spend_id,
                reason=reason,
                dispute_id=dispute_id,
                amount=spend.amount,
                category=spend.category,
                charged_stream=spend.charged_stream,
                service_date=spend.service_date,
                units=spend.units,
                unit=spend.unit,
            )
        )

    def recover_surplus(self, actor: Actor, amount: Decimal, reason: str) -> None:
        self.require_allocation()
        amount = to_positive_money(amount)
        require_text("reason", reason)
        if amount > self.available:
            raise errors.InsufficientFunds(f"recovery of {amount} exceeds available {self.available}")
        self.record(ev.SurplusRecovered(**self.stamp(actor), amount=amount, reason=reason))

    # --- virtual-budget trials: the same flows, never real money ---------------
    def start_trial(self, actor: Actor, name: str, virtual_amount: Decimal, baseline_cost: Decimal) -> str:
        self.require_not_closed()
        require_text("name", name)
        trial_id = f"T{len(self.trials) + 1}"
        self.record(
            ev.TrialStarted(
                **self.stamp(actor),
                trial_id=trial_id,
                name=name,
                virtual_amount=to_positive_money(virtual_amount),
                baseline_cost=to_non_negative_money(baseline_cost),
            )
        )
        return trial_id

    def record_trial_spend(self, actor: Actor, trial_id: str, spend_id: str, request: SpendRequest) -> Spend:
        trial = self.trial(trial_id)
        request = request.checked()
        if spend_id in trial.spends:
            return replay_or_refuse(trial.spends[spend_id], request)
        self.require_not_closed()
        if trial.status != TrialStatus.OPEN:
            raise errors.TrialNotOpen(f"trial {trial_id} is {trial.status}")
        self.require_in_period(request.service_date)
        if trial.spent + request.amount > trial.virtual_amount:
            raise errors.TrialBudgetExceeded(
                f"{trial.spent} + {request.amount} exceeds the virtual {trial.virtual_amount}"
            )
        self.record(
            ev.TrialSpendRecorded(
                **self.stamp(actor),
                trial_id=trial_id,
                spend_id=spend_id,
                amount=request.amount,
                category=request.category,
                provider=request.provider,
                service_date=request.service_date,
                description=request.description,
                units=request.units,
                unit=request.unit,
                charged_stream=self.charged_stream(None),
                request_fingerprint=request.fingerprint,
            )
        )
        return self.trials[trial_id].spends[spend_id]  # the trial as the event left it

    def conclude_trial(self, actor: Actor, trial_id: str, outcome: str, notes: str) -> None:
        trial = self.trial(trial_id)
        self.require_not_closed()
        checked = check_choice("outcome", outcome, TrialOutcome)
        if trial.status != TrialStatus.OPEN:
            raise errors.TrialNotOpen(f"trial {trial_id} is {trial.status}")
        self.record(ev.TrialConcluded(**self.stamp(actor), trial_id=trial_id, outcome=checked, notes=notes))


__all__ = ["SpendRequest", "SpendingCommands"]
