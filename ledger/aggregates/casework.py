"""Casework commands: monitoring returns, disputes, reviews, suspension and closure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import BudgetBase, require_text
from ledger.aggregates.plan_state import OutcomeRatingIn
from ledger.aggregates.review import check_ratings
from ledger.aggregates.state import ReturnDue, ReturnLine
from ledger.aggregates.vocabulary import (
    BudgetStatus,
    Category,
    DisputeOutcome,
    DisputeStatus,
    DisputeSubject,
    ReturnStatus,
    Unit,
    check_choice,
)
from ledger.money import ZERO, to_non_negative_money, to_positive_money, total
from ledger.schemes.scheme import covers


def check_lines(lines: list[ReturnLine], declared_spent: Decimal) -> list[dict[str, Any]]:
    """A return's lines: known categories and units, adding up to the declared total."""
    checked: list[dict[str, Any]] = []
    for line in lines:
        category = check_choice("category", line.category, Category)
        if (line.units is None) != (line.unit is None):
            raise errors.InvalidInput("a line's units and unit go together")
        unit = check_choice("unit", line.unit, Unit) if line.unit is not None else None
        units = to_positive_money(line.units) if line.units is not None else None
        amount = to_non_negative_money(line.amount)
        checked.append({"category": category.value, "amount": amount, "units": units, "unit": unit})
    added = total(line["amount"] for line in checked)
    if added != declared_spent:
        raise errors.ReturnLinesMismatch(f"the lines add up to {added}, not the declared {declared_spent}")
    return checked


class CaseworkCommands(BudgetBase):
    def submit_return(
        self,
        actor: Actor,
        period_start: date,
        period_end: date,
        declared_spent: Decimal,
        notes: str,
        lines: list[ReturnLine] | None = None,
    ) -> str:
        self.require_not_closed()
        if period_end < period_start:
            raise errors.InvalidPeriod("a return's period_end is not before its period_start")
        declared_spent = to_non_negative_money(declared_spent)
        checked = check_lines(lines, declared_spent) if lines is not None else None
        return_id = f"R{len(self.returns) + 1}"
        self.record(
            ev.MonitoringReturnSubmitted(
                **self.stamp(actor),
                return_id=return_id,
                period_start=period_start,
                period_end=period_end,
                declared_spent=declared_spent,
                notes=notes,
                lines=checked,
                meets=[
                    end for _, end, _ in self.monitoring_periods() if covers(period_start, period_end, end)
                ],
            )
        )
        return return_id

    def monitoring_periods(self) -> list[tuple[date, date, date]]:
        """(start, end, due on) of each monitoring period the scheme sets over the budget's period."""
        return self.scheme.monitoring_periods(self.period_start, self.period_end)

    def returns_due(self) -> list[ReturnDue]:
        """Each monitoring period with the return that accounts for it (a queried one does not)."""
        due = []
        for start, end, due_on in self.monitoring_periods():
            meeting = [
                r.return_id
                for r in self.returns.values()
                if r.status != ReturnStatus.QUERIED and covers(r.period_start, r.period_end, end)
            ]
            due.append(ReturnDue(start, end, due_on, meeting[0] if meeting else None))
        return due

    def _undecided_return(self, return_id: str) -> None:
        monitoring_return = self.monitoring_return(return_id)
        self.require_not_closed()
        if monitoring_return.status != ReturnStatus.SUBMITTED:
            raise errors.ReturnAlreadyDecided(f"return {return_id} is {monitoring_return.status}")

    def accept_return(self, actor: Actor, return_id: str) -> None:
        self._undecided_return(return_id)
        self.record(ev.MonitoringReturnAccepted(**self.stamp(actor), return_id=return_id))

    def query_return(self, actor: Actor, return_id: str, reason: str) -> None:
        self._undecided_return(return_id)
        require_text("reason", reason)
        self.record(ev.MonitoringReturnQueried(**self.stamp(actor), return_id=return_id, reason=reason))

    # --- disputes stay possible after closure: families may challenge late -------
    def raise_dispute(self, actor: Actor, subject: str, grounds: str, subject_ref: str | None = None) -> str:
        checked = check_choice("subject", subject, DisputeSubject)
        require_text("grounds", grounds)
        if subject_ref is not None:
            self._check_subject(checked, subject_ref)
        dispute_id = f"D{len(self.disputes) + 1}"
        self.record(
            ev.DisputeRaised(
                **self.stamp(actor),
                dispute_id=dispute_id,
                subject=checked,
                subject_ref=subject_ref,
                grounds=grounds,
            )
        )
        return dispute_id

    def _check_subject(self, subject: DisputeSubject, ref: str) -> None:
        if subject == DisputeSubject.SPEND:
            self.spend(ref)
        elif subject == DisputeSubject.MONITORING_RETURN:
            self.monitoring_return(ref)
        elif subject == DisputeSubject.INSTALMENT:
            if not ref.isdigit():
                raise errors.ItemNotFound(f"no instalment {ref}")
            self.instalment(int(ref))

    def resolve_dispute(self, actor: Actor, dispute_id: str, outcome: str, resolution: str) -> None:
        dispute = self.dispute(dispute_id)
        checked_outcome = check_choice("outcome", outcome, DisputeOutcome)
        require_text("resolution", resolution)
        if dispute.status != DisputeStatus.OPEN:
            raise errors.DisputeNotOpen(f"dispute {dispute_id} is {dispute.status}")
        self.record(
            ev.DisputeResolved(
                **self.stamp(actor), dispute_id=dispute_id, outcome=checked_outcome, resolution=resolution
            )
        )

    # --- reviews and status ---------------------------------------------------
    def review(
        self,
        actor: Actor,
        reviewed_on: date,
        summary: str,
        next_review_due: date,
        outcomes: list[OutcomeRatingIn] | None = None,
    ) -> None:
        """A review; with a support plan it rates every outcome of the current plan."""
        self.require_not_closed()
        require_text("summary", summary)
        if next_review_due <= reviewed_on:
            raise errors.InvalidPeriod("next_review_due must be after reviewed_on")
        plan = self.plans[-1] if self.plans else None
        rated = check_ratings(outcomes or [], plan.outcome_ids if plan else [])
        self.record(
            ev.BudgetReviewed(
                **self.stamp(actor),
                reviewed_on=reviewed_on,
                summary=summary,
                next_review_due=next_review_due,
                outcomes=rated,
            )
        )

    def suspend(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        if self.status != BudgetStatus.ACTIVE:
            raise errors.InvalidStatusTransition(f"only an active budget is suspended, not {self.status}")
        self.record(ev.BudgetSuspended(**self.stamp(actor), reason=reason))

    def resume(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        if self.status != BudgetStatus.SUSPENDED:
            raise errors.InvalidStatusTransition(f"only a suspended budget resumes, not {self.status}")
        self.record(ev.BudgetResumed(**self.stamp(actor), reason=reason))

    def close(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        self.require_not_closed()
        if self.available != ZERO:
            raise errors.FundsRemaining(
                f"{self.available} is still available: recover the surplus before closing"
            )
        if self.committed != ZERO:
            raise errors.CommitmentsOpen(f"open commitments hold {self.committed}: pay or cancel them first")
        self.record(ev.BudgetClosed(**self.stamp(actor), reason=reason))

    def record_text_erasure(self, actor: Actor, reason: str, keys_destroyed: int) -> None:
        """Record an erasure of the family's text; allowed whatever the budget's status, a closed one too."""
        require_text("reason", reason)
        self.record(ev.FamilyTextErased(**self.stamp(actor), reason=reason, keys_destroyed=keys_destroyed))
