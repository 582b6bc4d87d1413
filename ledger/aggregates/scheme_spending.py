"""The spending rules a budget scheme sets: categories ruled out, caps per category, approvals.

A spend above the scheme's approval threshold, recorded by anyone but a
caseworker, is held (`SpendAwaitingApproval`) and does not count until a
caseworker approves it (`SpendApproved`, then the `SpendRecorded` that makes it
count, so every read model of spending follows without an edit) or rejects it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import BudgetBase
from ledger.aggregates.state import Spend
from ledger.money import ZERO, total

if TYPE_CHECKING:
    from ledger.aggregates.spending import SpendRequest


class SchemeSpendingRules(BudgetBase):
    def require_scheme_allows_spend(self, request: SpendRequest) -> None:
        rules, scheme = self.scheme.spending, self.scheme
        if request.category in rules.categories_not_allowed:
            raise errors.CategoryNotAllowed(
                f"scheme {scheme.id} v{scheme.version} does not allow spends on {request.category}"
            )
        for cap in rules.category_caps:
            if cap.category != request.category:
                continue
            month = (request.service_date.year, request.service_date.month)
            counted = total(
                s.amount
                for s in self.spends.values()
                if s.category == cap.category
                and not s.reversed
                and (cap.per == "period" or (s.service_date.year, s.service_date.month) == month)
            )
            if counted + request.amount > cap.amount:
                raise errors.CategoryCapExceeded(
                    f"{counted} spent + {request.amount} exceeds the {cap.category} cap of {cap.amount} "
                    f"per {cap.per} of scheme {scheme.id} v{scheme.version}"
                )

    def hold_for_approval(
        self, actor: Actor, spend_id: str, request: SpendRequest, threshold: Decimal
    ) -> Spend:
        self.record(
            ev.SpendAwaitingApproval(
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
                request_fingerprint=request.fingerprint,
                threshold=threshold,
                provider_id=request.provider_id,
                medical_tasks=request.medical_tasks,
                nights_override_reason=request.nights_override_reason,
            )
        )
        return self.awaiting_approval[spend_id]

    def held_spend(self, spend_id: str) -> Spend:
        if spend_id not in self.awaiting_approval:
            if spend_id in self.spends:
                raise errors.SpendNotAwaitingApproval(f"spend {spend_id} counts already")
            raise errors.ItemNotFound(f"no spend {spend_id}")
        return self.awaiting_approval[spend_id]

    def awaiting_total(self) -> Decimal:
        return total(s.amount for s in self.awaiting_approval.values()) if self.awaiting_approval else ZERO
