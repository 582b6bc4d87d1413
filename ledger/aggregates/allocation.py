"""Allocation and instalment commands: deciding, revising, scheduling, releasing."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.planning import PlanningCommands
from ledger.aggregates.vocabulary import FundingStream, InstalmentStatus, Management, check_choice
from ledger.money import ZERO, to_non_negative_money, to_positive_money, total
from ledger.ras import Assessment
from ledger.schemes.scheme import add_months


def check_amounts(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    if not amounts:
        raise errors.InvalidInput("an allocation names at least one funding stream")
    checked = {
        check_choice("funding stream", s, FundingStream).value: to_non_negative_money(a)
        for s, a in amounts.items()
    }
    if total(checked.values()) <= ZERO:
        raise errors.InvalidAmount("an allocation totals more than zero")
    return checked


class AllocationCommands(PlanningCommands):
    def decide_allocation(
        self,
        actor: Actor,
        amounts: dict[str, Decimal],
        rationale: str,
        assessment: Assessment | None = None,
        variance_reason: str | None = None,
    ) -> None:
        self.require_not_closed()
        if self.allocation is not None:
            raise errors.AllocationAlreadyDecided(f"budget {self.reference} already has one")
        amounts = check_amounts(amounts)
        require_text("rationale", rationale)
        decided = total(amounts.values())
        a = self.allocation_assessment(assessment)
        if a is not None and decided != a.indicative_amount and not (variance_reason or "").strip():
            raise errors.VarianceReasonRequired(
                f"allocation {decided} differs from the indicative {a.indicative_amount}: "
                "give a variance_reason"
            )
        self.require_within_maximum(decided)
        self.require_plan_within(decided, "allocation")
        panel_decision_id = self.panel_decision_for(decided, a.indicative_amount if a else None)
        self.record(
            ev.AllocationDecided(
                **self.stamp(actor),
                amounts=amounts,
                rationale=rationale,
                variance_reason=variance_reason,
                scheme_id=a.scheme_id if a else None,
                scheme_version=a.scheme_version if a else None,
                scheme_fingerprint=a.scheme_fingerprint if a else None,
                answers=dict(a.answers) if a else {},
                points=a.points if a else None,
                band=a.band if a else None,
                indicative_amount=a.indicative_amount if a else None,
                working=list(a.working) if a else [],
                panel_decision_id=panel_decision_id,
            )
        )
        self.schedule_scheme_instalments(actor)

    def revise_allocation(
        self, actor: Actor, amounts: dict[str, Decimal], reason: str, dispute_id: str | None = None
    ) -> None:
        self.require_allocation()
        amounts = check_amounts(amounts)
        require_text("reason", reason)
        if dispute_id is not None:
            self.dispute(dispute_id)
        new_total = total(amounts.values())
        self.require_within_maximum(new_total)
        self.require_plan_within(new_total, "allocation")
        if new_total < self.released:
            raise errors.RevisionBelowReleased(f"{new_total} is below released {self.released}")
        if new_total < self.scheduled:
            raise errors.ScheduleExceedsAllocation(
                f"{new_total} is below the scheduled {self.scheduled}: cancel instalments first"
            )
        # a rise past the indicative budget and the panel threshold goes to the Resource Panel, as a
        # first decision does; a cut, or a rise the decided allocation's panel already covers, does not
        indicative = self.allocation.indicative_amount if self.allocation else None
        panel_decision_id = (
            self.panel_decision_for(new_total, indicative) if new_total > self.allocated else None
        )
        self.record(
            ev.AllocationRevised(
                **self.stamp(actor),
                amounts=amounts,
                reason=reason,
                dispute_id=dispute_id,
                panel_decision_id=panel_decision_id,
            )
        )

    def schedule_instalment(self, actor: Actor, amount: Decimal, due_on: date, gated: bool) -> int:
        self.require_allocation()
        amount = to_positive_money(amount)
        if not self.scheme.instalments.extras_allowed:
            raise errors.InstalmentsSetByScheme(
                f"scheme {self.scheme.id} v{self.scheme.version} sets the instalments "
                f"({len(self.scheme.instalments.steps)} when the allocation is decided); none by hand"
            )
        if self.scheduled + amount > self.allocated:
            raise errors.ScheduleExceedsAllocation(
                f"{self.scheduled} scheduled + {amount} exceeds the allocation {self.allocated}"
            )
        number = len(self.instalments) + 1
        self.record(
            ev.InstalmentScheduled(
                **self.stamp(actor), number=number, amount=amount, due_on=due_on, gated=gated
            )
        )
        return number

    def release_instalment(self, actor: Actor, number: int) -> None:
        instalment = self.instalment(number)
        self.require_active()
        if instalment.status != InstalmentStatus.SCHEDULED:
            raise errors.InstalmentNotPending(f"instalment {number} is {instalment.status}")
        if self.needs_bank_account():
            raise errors.BankAccountNotConfirmed(
                f"scheme {self.scheme.id} v{self.scheme.version} pays a direct payment only into a "
                "confirmed bank account: confirm it first"
            )
        if instalment.gated and not self.gate_open():
            raise errors.InstalmentGated(
                f"instalment {number} waits for a monitoring return submitted since the "
                f"last release and {'returned' if self.scheme.gate == 'submitted' else 'accepted'}"
            )
        self.record(ev.InstalmentReleased(**self.stamp(actor), number=number))

    def cancel_instalment(self, actor: Actor, number: int, reason: str) -> None:
        instalment = self.instalment(number)
        self.require_not_closed()
        require_text("reason", reason)
        if instalment.status != InstalmentStatus.SCHEDULED:
            raise errors.InstalmentNotPending(f"instalment {number} is {instalment.status}")
        self.record(ev.InstalmentCancelled(**self.stamp(actor), number=number, reason=reason))

    # --- the budget scheme's rules ------------------------------------------------------
    def require_within_maximum(self, amount: Decimal) -> None:
        maximum = self.scheme.maximum_allocation
        if maximum is not None and amount > maximum:
            raise errors.AllocationAboveSchemeMaximum(
                f"{amount} is above the maximum allocation {maximum} of scheme "
                f"{self.scheme.id} v{self.scheme.version}"
            )

    def schedule_scheme_instalments(self, actor: Actor) -> None:
        """The scheme's instalment pattern: equal shares of the allocation (pennies to the last)."""
        steps = self.scheme.instalments.steps
        if not steps:
            return
        share = (self.allocated / len(steps)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for index, step in enumerate(steps):
            amount = share if index < len(steps) - 1 else self.allocated - share * (len(steps) - 1)
            due_on = min(add_months(self.period_start, step.months_after_start), self.period_end)
            self.record(
                ev.InstalmentScheduled(
                    **self.stamp(actor),
                    number=len(self.instalments) + 1,
                    amount=amount,
                    due_on=due_on,
                    gated=step.gated,
                )
            )

    def needs_bank_account(self) -> bool:
        return (
            self.scheme.bank_account_required
            and self.management == Management.DIRECT_PAYMENT
            and self.bank_account_confirmed_on is None
        )

    def confirm_bank_account(self, actor: Actor, confirmed_on: date) -> None:
        """Record that the family's bank account is confirmed; no account details are kept."""
        self.require_not_closed()
        self.record(ev.BankAccountConfirmed(**self.stamp(actor), confirmed_on=confirmed_on))
