"""The decision pathway's state: the indicative budget, support plan versions, panel decisions.

Kept apart from `ledger.aggregates.state` because they arrive together with their
commands (`ledger.aggregates.planning`); frozen dataclasses, shared by copies and
transcoded like the rest (see `ledger.aggregates.state`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ledger.money import total


class OutcomeRating(StrEnum):
    """How far a review found an outcome of the support plan met."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class EntryRoute(StrEnum):
    """Whether the family used services before its budget (the council report compares the two)."""

    EXISTING_USER = "existing_user"
    NEWCOMER = "newcomer"


@dataclass(frozen=True)
class IndicativeBudget:
    """The RAS result shared with the family before the plan is written."""

    scheme_id: str
    scheme_version: int
    scheme_fingerprint: str
    answers: dict[str, str]
    points: int
    band: str
    amount: Decimal
    working: list[str]
    completed_with_family: bool
    set_on_version: int


@dataclass(frozen=True)
class SupportPlan:
    """One version of the family's plan: outcomes [{outcome_id, text}] and planned spend lines
    [{category, stream, amount, units, unit}]."""

    plan_version: int
    outcomes: list[dict[str, Any]]
    planned: list[dict[str, Any]]
    agreed_on: date
    next_review_due: date
    reason: str | None = None

    @property
    def planned_total(self) -> Decimal:
        return total(line["amount"] for line in self.planned)

    @property
    def outcome_ids(self) -> list[str]:
        return [o["outcome_id"] for o in self.outcomes]


@dataclass(frozen=True)
class PanelDecision:
    decision_id: str
    panel_date: date
    reference: str
    chair_role: str
    amount: Decimal
    notes: str


@dataclass(frozen=True)
class PreviousPackage:
    """What the traditional package the budget replaces cost, and how the family came in."""

    cost: Decimal
    entry_route: str
    notes: str = ""


@dataclass(frozen=True)
class PlannedLine:
    """A support plan's planned spend line as asked for (checked by the planning commands)."""

    category: str
    amount: Decimal
    stream: str | None = None
    units: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class OutcomeRatingIn:
    """A review's rating of one outcome as asked for."""

    outcome_id: str
    rating: str
    note: str = ""


#: transcoded like `ledger.aggregates.state.STATE_TYPES` (`ledger.store` registers both)
PLAN_STATE_TYPES = (IndicativeBudget, SupportPlan, PanelDecision, PreviousPackage)
