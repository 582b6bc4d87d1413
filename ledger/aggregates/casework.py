"""Casework commands: monitoring returns, disputes, reviews, suspension and closure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import BudgetBase, require_text
from ledger.aggregates.vocabulary import DisputeOutcome, DisputeSubject, check_choice
from ledger.money import ZERO, to_non_negative_money


class CaseworkCommands(BudgetBase):
    def submit_return(
        self,
        actor: Actor,
        period_start: date,
        period_end: date,
        declared_spent: Decimal,
        notes: str,
    ) -> str:
        self.require_not_closed()
        if period_end < period_start:
            raise errors.InvalidPeriod("a return's period_end is not before its period_start")
        return_id = f"R{len(self.returns) + 1}"
        self.record(
            ev.MonitoringReturnSubmitted,
            actor,
            return_id=return_id,
            period_start=period_start,
            period_end=period_end,
            declared_spent=to_non_negative_money(declared_spent),
            notes=notes,
        )
        return return_id

    def _undecided_return(self, return_id: str) -> None:
        monitoring_return = self.monitoring_return(return_id)
        self.require_not_closed()
        if monitoring_return.status != "submitted":
            raise errors.ReturnAlreadyDecided(f"return {return_id} is {monitoring_return.status}")

    def accept_return(self, actor: Actor, return_id: str) -> None:
        self._undecided_return(return_id)
        self.record(ev.MonitoringReturnAccepted, actor, return_id=return_id)

    def query_return(self, actor: Actor, return_id: str, reason: str) -> None:
        self._undecided_return(return_id)
        require_text("reason", reason)
        self.record(ev.MonitoringReturnQueried, actor, return_id=return_id, reason=reason)

    # --- disputes stay possible after closure: families may challenge late -------
    def raise_dispute(self, actor: Actor, subject: str, grounds: str, subject_ref: str | None = None) -> str:
        check_choice("subject", subject, DisputeSubject)
        require_text("grounds", grounds)
        if subject_ref is not None:
            self._check_subject(subject, subject_ref)
        dispute_id = f"D{len(self.disputes) + 1}"
        self.record(
            ev.DisputeRaised,
            actor,
            dispute_id=dispute_id,
            subject=subject,
            subject_ref=subject_ref,
            grounds=grounds,
        )
        return dispute_id

    def _check_subject(self, subject: str, ref: str) -> None:
        if subject == "spend":
            self.spend(ref)
        elif subject == "monitoring_return":
            self.monitoring_return(ref)
        elif subject == "instalment":
            if not ref.isdigit():
                raise errors.ItemNotFound(f"no instalment {ref}")
            self.instalment(int(ref))

    def resolve_dispute(self, actor: Actor, dispute_id: str, outcome: str, resolution: str) -> None:
        dispute = self.dispute(dispute_id)
        check_choice("outcome", outcome, DisputeOutcome)
        require_text("resolution", resolution)
        if dispute.status != "open":
            raise errors.DisputeNotOpen(f"dispute {dispute_id} is {dispute.status}")
        self.record(ev.DisputeResolved, actor, dispute_id=dispute_id, outcome=outcome, resolution=resolution)

    # --- reviews and status ---------------------------------------------------
    def review(self, actor: Actor, reviewed_on: date, summary: str, next_review_due: date) -> None:
        self.require_not_closed()
        require_text("summary", summary)
        if next_review_due <= reviewed_on:
            raise errors.InvalidPeriod("next_review_due must be after reviewed_on")
        self.record(
            ev.BudgetReviewed,
            actor,
            reviewed_on=reviewed_on,
            summary=summary,
            next_review_due=next_review_due,
        )

    def suspend(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        if self.status != "active":
            raise errors.InvalidStatusTransition(f"only an active budget is suspended, not {self.status}")
        self.record(ev.BudgetSuspended, actor, reason=reason)

    def resume(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        if self.status != "suspended":
            raise errors.InvalidStatusTransition(f"only a suspended budget resumes, not {self.status}")
        self.record(ev.BudgetResumed, actor, reason=reason)

    def close(self, actor: Actor, reason: str) -> None:
        require_text("reason", reason)
        self.require_not_closed()
        if self.available != ZERO:
            raise errors.FundsRemaining(
                f"{self.available} is still available: recover the surplus before closing"
            )
        self.record(ev.BudgetClosed, actor, reason=reason)
