"""A simple model of one budget for the state machine: plain values, and what each command should do.

Each `expect_*` answers, from the model alone, the error a command should raise
(checked in the order the design's rules are checked) or `None` for success. The
other methods change the model, and are called only after a command succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledger import errors
from ledger.money import ZERO, to_money, total

Error = type[errors.LedgerError] | None


def first(*checks: tuple[bool, type[errors.LedgerError]]) -> Error:
    """The error of the first check that fails."""
    return next((error for failed, error in checks if failed), None)


@dataclass
class Instalment:
    amount: Decimal
    gated: bool
    status: str = "scheduled"


@dataclass
class Trial:
    virtual: Decimal
    spent: Decimal = ZERO
    status: str = "open"
    spends: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Model:
    period: tuple[date, date]
    version: int = 1
    status: str = "open"
    allocated: Decimal | None = None
    released: Decimal = ZERO
    spent: Decimal = ZERO
    recovered: Decimal = ZERO
    instalments: list[Instalment] = field(default_factory=list)
    spends: dict[str, tuple[Decimal, date]] = field(default_factory=dict)  # the body: amount, date
    reversed: set[str] = field(default_factory=set)
    returns: dict[str, list[object]] = field(default_factory=dict)  # id -> [status, submitted at]
    last_release_version: int = 0
    trials: dict[str, Trial] = field(default_factory=dict)
    disputes: dict[str, str] = field(default_factory=dict)
    # --- the decision pathway (issue 9), under a scheme with this panel threshold ---
    panel_threshold: Decimal = Decimal("100.00")
    indicative: Decimal | None = None
    plan_total: Decimal | None = None
    outcomes: list[str] = field(default_factory=list)
    panels: list[Decimal] = field(default_factory=list)

    # --- figures ---------------------------------------------------------------------
    @property
    def scheduled(self) -> Decimal:
        return total(i.amount for i in self.instalments if i.status != "cancelled")

    @property
    def available(self) -> Decimal:
        return self.released - self.spent - self.recovered

    def gate_open(self) -> bool:
        return any(
            status == "accepted" and at > self.last_release_version  # type: ignore[operator]
            for status, at in self.returns.values()
        )

    def closed(self) -> Error:
        return errors.BudgetClosed if self.status == "closed" else None

    def needs_allocation(self) -> Error:
        return self.closed() or (errors.AllocationNotDecided if self.allocated is None else None)

    def instalment(self, number: int) -> Instalment | None:
        return self.instalments[number - 1] if 1 <= number <= len(self.instalments) else None

    # --- allocation and instalments ----------------------------------------------------
    def expect_decide(self, amount: Decimal) -> Error:
        over = self.indicative is not None and amount > self.indicative + self.panel_threshold
        return self.closed() or first(
            (self.allocated is not None, errors.AllocationAlreadyDecided),
            (self.plan_total is not None and self.plan_total > amount, errors.PlannedAboveAllocation),
            (over and not any(p >= amount for p in self.panels), errors.PanelDecisionRequired),
        )

    def decided(self, amounts: dict[str, Decimal]) -> None:
        self.allocated = total(to_money(a) for a in amounts.values())
        self.status = "active"

    def expect_revise(self, amount: Decimal) -> Error:
        rise = self.allocated is not None and amount > self.allocated
        over = rise and self.indicative is not None and amount > self.indicative + self.panel_threshold
        return self.needs_allocation() or first(
            (self.plan_total is not None and self.plan_total > amount, errors.PlannedAboveAllocation),
            (amount < self.released, errors.RevisionBelowReleased),
            (amount < self.scheduled, errors.ScheduleExceedsAllocation),
            (over and not any(p >= amount for p in self.panels), errors.PanelDecisionRequired),
        )

    def expect_schedule(self, amount: Decimal) -> Error:
        return self.needs_allocation() or first(
            (amount <= 0, errors.InvalidAmount),
            (self.scheduled + amount > (self.allocated or ZERO), errors.ScheduleExceedsAllocation),
        )

    def expect_release(self, number: int) -> Error:
        instalment = self.instalment(number)
        return first(
            (instalment is None, errors.ItemNotFound),
            (self.status != "active", errors.BudgetNotActive),
            (instalment is not None and instalment.status != "scheduled", errors.InstalmentNotPending),
            (instalment is not None and instalment.gated and not self.gate_open(), errors.InstalmentGated),
        )

    def released_instalment(self, number: int) -> None:
        self.instalments[number - 1].status = "released"
        self.released += self.instalments[number - 1].amount
        self.last_release_version = self.version

    def expect_cancel(self, number: int) -> Error:
        instalment = self.instalment(number)
        return first(
            (instalment is None, errors.ItemNotFound),
            (self.status == "closed", errors.BudgetClosed),
            (instalment is not None and instalment.status != "scheduled", errors.InstalmentNotPending),
        )

    # --- spending -----------------------------------------------------------------------
    def expect_spend(self, key: str, amount: Decimal, service_date: date) -> Error:
        if key in self.spends:
            return first(
                (amount <= 0, errors.InvalidAmount),
                (self.spends[key] != (amount, service_date), errors.IdempotencyKeyReused),
            )
        return first(
            (amount <= 0, errors.InvalidAmount),
            (self.status != "active", errors.BudgetNotActive),
            (not self.period[0] <= service_date <= self.period[1], errors.ServiceDateOutsidePeriod),
            (amount > self.available, errors.InsufficientFunds),
        )

    def spent_on(self, key: str, amount: Decimal, service_date: date) -> None:
        if key not in self.spends:  # a replay changes nothing
            self.spends[key] = (to_money(amount), service_date)
            self.spent += to_money(amount)

    def expect_reverse(self, key: str) -> Error:
        return first(
            (key not in self.spends, errors.ItemNotFound),
            (self.status == "closed", errors.BudgetClosed),
            (key in self.reversed, errors.SpendAlreadyReversed),
        )

    def reversed_spend(self, key: str) -> None:
        self.reversed.add(key)
        self.spent -= self.spends[key][0]

    def expect_recover(self, amount: Decimal) -> Error:
        return self.needs_allocation() or first(
            (amount <= 0, errors.InvalidAmount),
            (amount > self.available, errors.InsufficientFunds),
        )

    # --- returns, trials, disputes, status ----------------------------------------------
    def expect_decide_return(self, return_id: str) -> Error:
        found = self.returns.get(return_id)
        return first(
            (found is None, errors.ItemNotFound),
            (self.status == "closed", errors.BudgetClosed),
            (found is not None and found[0] != "submitted", errors.ReturnAlreadyDecided),
        )

    def expect_trial_spend(self, trial_id: str, key: str, amount: Decimal) -> Error:
        trial = self.trials.get(trial_id)
        if trial is not None and key in trial.spends:
            return first(
                (amount <= 0, errors.InvalidAmount),
                (trial.spends[key] != amount, errors.IdempotencyKeyReused),
            )
        return first(
            (trial is None, errors.ItemNotFound),
            (amount <= 0, errors.InvalidAmount),
            (self.status == "closed", errors.BudgetClosed),
            (trial is not None and trial.status != "open", errors.TrialNotOpen),
            (trial is not None and trial.spent + amount > trial.virtual, errors.TrialBudgetExceeded),
        )

    def trial_spent(self, trial_id: str, key: str, amount: Decimal) -> None:
        trial = self.trials[trial_id]
        if key not in trial.spends:
            trial.spends[key] = to_money(amount)
            trial.spent += to_money(amount)

    def expect_conclude(self, trial_id: str) -> Error:
        trial = self.trials.get(trial_id)
        return first(
            (trial is None, errors.ItemNotFound),
            (self.status == "closed", errors.BudgetClosed),
            (trial is not None and trial.status != "open", errors.TrialNotOpen),
        )

    def expect_resolve(self, dispute_id: str) -> Error:
        status = self.disputes.get(dispute_id)
        return first((status is None, errors.ItemNotFound), (status == "resolved", errors.DisputeNotOpen))

    def expect_status_change(self, new_status: str) -> Error:
        if new_status == "closed":
            return self.closed() or first((self.available != 0, errors.FundsRemaining))
        needed = "active" if new_status == "suspended" else "suspended"
        return first((self.status != needed, errors.InvalidStatusTransition))

    # --- the decision pathway -------------------------------------------------------------
    def expect_indicative(self, amount: Decimal) -> Error:
        return self.closed() or first(
            (self.allocated is not None, errors.IndicativeAfterAllocation),
            (self.plan_total is not None and self.plan_total > amount, errors.PlannedAboveIndicative),
        )

    def expect_plan(self, planned: Decimal, revising: bool) -> Error:
        ceiling = self.allocated if self.allocated is not None else self.indicative
        above = errors.PlannedAboveAllocation if self.allocated is not None else errors.PlannedAboveIndicative
        return self.closed() or first(
            (revising and self.plan_total is None, errors.SupportPlanNotAgreed),
            (not revising and self.plan_total is not None, errors.SupportPlanAlreadyAgreed),
            (ceiling is None, errors.IndicativeBudgetRequired),
            (ceiling is not None and planned > ceiling, above),
        )

    def expect_review(self, rated: list[str]) -> Error:
        return self.closed() or first(
            (bool(set(rated) - set(self.outcomes)), errors.UnknownOutcome),
            (bool(set(self.outcomes) - set(rated)), errors.OutcomeNotRated),
        )
