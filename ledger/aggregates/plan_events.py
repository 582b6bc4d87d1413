"""The decision pathway's events: indicative budget, support plan versions, panel decisions,
the previous package. Like every Budget event they apply without checking
(`ledger.aggregates.planning` checked the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger.aggregates.events import BudgetEvent
from ledger.aggregates.plan_state import IndicativeBudget, PanelDecision, PreviousPackage, SupportPlan

if TYPE_CHECKING:
    from ledger.aggregates.budget import Budget


@dataclass(frozen=True)
class IndicativeBudgetSet(BudgetEvent):
    """The RAS result, recorded before the plan and the allocation, with all its working."""

    scheme_id: str
    scheme_version: int
    scheme_fingerprint: str
    answers: dict[str, str]
    points: int
    band: str
    indicative_amount: Decimal
    working: list[str]
    completed_with_family: bool

    def apply_to(self, budget: Budget) -> None:
        budget.indicative = IndicativeBudget(
            scheme_id=self.scheme_id,
            scheme_version=self.scheme_version,
            scheme_fingerprint=self.scheme_fingerprint,
            answers=dict(self.answers),
            points=self.points,
            band=self.band,
            amount=self.indicative_amount,
            working=list(self.working),
            completed_with_family=self.completed_with_family,
            set_on_version=self.originator_version,
        )


@dataclass(frozen=True)
class SupportPlanAgreed(BudgetEvent):
    """Version 1 of the family's plan: outcomes [{outcome_id, text}] and planned spend
    [{category, stream, amount, units, unit}]."""

    plan_version: int
    outcomes: list[dict[str, Any]]
    planned: list[dict[str, Any]]
    planned_total: Decimal
    agreed_on: date
    next_review_due: date

    def apply_to(self, budget: Budget) -> None:
        budget.plans.append(self.plan())

    def plan(self, reason: str | None = None) -> SupportPlan:
        return SupportPlan(
            plan_version=self.plan_version,
            outcomes=[dict(o) for o in self.outcomes],
            planned=[dict(line) for line in self.planned],
            agreed_on=self.agreed_on,
            next_review_due=self.next_review_due,
            reason=reason,
        )


@dataclass(frozen=True)
class SupportPlanRevised(SupportPlanAgreed):
    """A new version of the plan; every earlier version stays in the history and on the budget."""

    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.plans.append(self.plan(self.reason))


@dataclass(frozen=True)
class PanelDecisionRecorded(BudgetEvent):
    decision_id: str
    panel_date: date
    reference: str
    chair_role: str
    amount: Decimal
    notes: str

    def apply_to(self, budget: Budget) -> None:
        budget.panel_decisions[self.decision_id] = PanelDecision(
            self.decision_id, self.panel_date, self.reference, self.chair_role, self.amount, self.notes
        )


@dataclass(frozen=True)
class PreviousPackageRecorded(BudgetEvent):
    """The cost of the traditional package the budget replaces, and the family's entry route."""

    cost: Decimal
    entry_route: str
    notes: str

    def apply_to(self, budget: Budget) -> None:
        budget.previous_package = PreviousPackage(self.cost, self.entry_route, self.notes)
