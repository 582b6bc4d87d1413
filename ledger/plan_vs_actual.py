"""One budget's plan versus actual: what the current support plan planned per category, what was
recorded (spends, net of reversals) and declared (monitoring return lines), and each outcome's
latest rating.

Read from the budget itself, so it answers as of the budget's latest event, like
`GET /v1/budgets/{id}`; the commissioners' cohort view is the `plans` read model
(`ledger.projections.plans`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.budget import Budget
from ledger.aggregates.vocabulary import ReturnStatus
from ledger.money import ZERO, total


@dataclass(frozen=True)
class CategoryLine:
    category: str
    planned: Decimal
    recorded: Decimal
    declared: Decimal

    @property
    def actual(self) -> Decimal:
        return actual(self.recorded, self.declared)


def actual(recorded: Decimal, declared: Decimal) -> Decimal:
    """A category's actual spend: what the ledger recorded, or what the family's returns declared
    where that is more (a direct payment's spending reaches the ledger only by its returns; where
    both account for the same money, adding them would count it twice)."""
    return max(recorded, declared)


@dataclass(frozen=True)
class OutcomeLine:
    outcome_id: str
    text: str
    rating: str | None
    rated_on: date | None
    note: str | None


@dataclass(frozen=True)
class PlanVsActual:
    budget_id: Any
    reference: str
    plan_version: int | None
    agreed_on: date | None
    next_review_due: date | None
    indicative: Decimal | None
    allocated: Decimal
    categories: list[CategoryLine]
    outcomes: list[OutcomeLine]

    @property
    def planned(self) -> Decimal:
        return total(c.planned for c in self.categories)

    @property
    def recorded(self) -> Decimal:
        return total(c.recorded for c in self.categories)

    @property
    def declared(self) -> Decimal:
        return total(c.declared for c in self.categories)


def by_category(pairs: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for category, amount in pairs:
        sums[category] = sums.get(category, ZERO) + amount
    return sums


def plan_vs_actual(budget: Budget) -> PlanVsActual:
    plan = budget.support_plan
    planned = by_category([(line["category"], line["amount"]) for line in (plan.planned if plan else [])])
    recorded = by_category([(s.category, s.amount) for s in budget.spends.values() if not s.reversed])
    declared = by_category(
        [
            (line["category"], line["amount"])
            for r in budget.returns.values()
            if r.status != ReturnStatus.QUERIED
            for line in r.lines
        ]
    )
    categories = [
        CategoryLine(c, planned.get(c, ZERO), recorded.get(c, ZERO), declared.get(c, ZERO))
        for c in sorted(planned.keys() | recorded.keys() | declared.keys())
    ]
    return PlanVsActual(
        budget_id=budget.id,
        reference=budget.reference,
        plan_version=plan.plan_version if plan else None,
        agreed_on=plan.agreed_on if plan else None,
        next_review_due=plan.next_review_due if plan else None,
        indicative=budget.indicative.amount if budget.indicative else None,
        allocated=budget.allocated,
        categories=categories,
        outcomes=[_outcome(budget, o) for o in (plan.outcomes if plan else [])],
    )


def _outcome(budget: Budget, outcome: dict[str, Any]) -> OutcomeLine:
    """The outcome with its rating at the newest review that rated it."""
    for review in reversed(budget.reviews):
        for rated in review.outcomes:
            if rated["outcome_id"] == outcome["outcome_id"]:
                return OutcomeLine(
                    outcome["outcome_id"], outcome["text"], rated["rating"], review.reviewed_on, rated["note"]
                )
    return OutcomeLine(outcome["outcome_id"], outcome["text"], None, None, None)
