"""The decision pathway on the wire: indicative budget, support plan, panel decisions, previous
package (requests and what a budget shows of them), and one budget's plan versus actual."""

from __future__ import annotations

from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.commands import RasIn
from api.schemas.types import (
    Category,
    Day,
    Money,
    MoneyOut,
    Name,
    Notes,
    PositiveMoney,
    Quantity,
    Reason,
    Ref,
    Stream,
    Unit,
)
from ledger.aggregates.plan_state import EntryRoute
from ledger.plan_vs_actual import PlanVsActual


def _strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


POINTS_EXAMPLE = {
    "scheme": "short-breaks-points",
    "answers": {
        "personal_care": "some",
        "health_needs": "none",
        "behaviour": "none",
        "community_access": "none",
        "night_support": "none",
        "carer_resilience": "strained",
        "siblings": "0",
    },
}


# --- requests ----------------------------------------------------------------------------
class IndicativeIn(BaseModel):
    model_config = _strict({"ras": POINTS_EXAMPLE, "completed_with_family": True})

    ras: RasIn = Field(description="the assessment: the budget scheme's RAS if it names one")
    completed_with_family: StrictBool = Field(description="was the RAS completed with the family?")


class OutcomeIn(BaseModel):
    model_config = _strict({"id": "O1", "text": "a regular break for the carer"})

    id: Ref
    text: Reason


class PlannedLineIn(BaseModel):
    model_config = _strict({"category": "personal_assistant", "stream": "social_care", "amount": "480.00"})

    category: Category
    stream: Stream | None = None
    amount: PositiveMoney
    units: Quantity | None = Field(default=None, description="with unit")
    unit: Unit | None = None


PLAN_EXAMPLE: dict[str, Any] = {
    "outcomes": [{"id": "O1", "text": "a regular break for the carer"}],
    "planned": [{"category": "personal_assistant", "stream": "social_care", "amount": "480.00"}],
    "agreed_on": "2026-04-20",
    "next_review_due": "2026-10-20",
}


class SupportPlanIn(BaseModel):
    model_config = _strict(PLAN_EXAMPLE)

    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=50)
    planned: list[PlannedLineIn] = Field(max_length=100)
    agreed_on: Day
    next_review_due: Day = Field(description="after agreed_on")


class SupportPlanRevisionIn(SupportPlanIn):
    model_config = _strict({**PLAN_EXAMPLE, "reason": "PA hours moved to a holiday club"})

    reason: Reason


class PanelDecisionIn(BaseModel):
    model_config = _strict(
        {
            "panel_date": "2026-04-25",
            "reference": "RP-2026-031",
            "chair_role": "head of service",
            "amount": "1200.00",
            "notes": "night support agreed",
        }
    )

    panel_date: Day
    reference: Ref = Field(description="the panel's decision reference")
    chair_role: Name = Field(description="the chair's role, not their name")
    amount: PositiveMoney = Field(description="the amount the panel agreed")
    notes: Notes = ""


class PreviousPackageIn(BaseModel):
    model_config = _strict(
        {"cost": "4200.00", "entry_route": "existing_user", "notes": "respite unit nights"}
    )

    cost: Money = Field(description="the yearly cost of the traditional package the budget replaces")
    entry_route: EntryRoute
    notes: Notes = ""


# --- what a budget shows -------------------------------------------------------------------
class IndicativeOut(BaseModel):
    scheme_id: str
    scheme_version: int
    scheme_fingerprint: str
    answers: dict[str, str]
    points: int
    band: str
    amount: MoneyOut
    working: list[str]
    completed_with_family: bool


class PlannedLineOut(BaseModel):
    category: str
    stream: str | None
    amount: MoneyOut
    units: MoneyOut | None
    unit: str | None


class PlanOutcomeOut(BaseModel):
    outcome_id: str
    text: str


class SupportPlanOut(BaseModel):
    plan_version: int
    outcomes: list[PlanOutcomeOut]
    planned: list[PlannedLineOut]
    planned_total: MoneyOut
    agreed_on: date
    next_review_due: date
    reason: str | None = Field(description="why it was revised (null for the first version)")

    @classmethod
    def of(cls, plan: Any) -> Self:
        return cls.model_validate(vars(plan) | {"planned_total": plan.planned_total})


class PanelDecisionOut(BaseModel):
    decision_id: str
    panel_date: date
    reference: str
    chair_role: str
    amount: MoneyOut
    notes: str


class PreviousPackageOut(BaseModel):
    cost: MoneyOut
    entry_route: str
    notes: str


class OutcomeRatingOut(BaseModel):
    outcome_id: str
    rating: str
    note: str


# --- plan versus actual --------------------------------------------------------------------
class CategoryPlanOut(BaseModel):
    category: str
    planned: MoneyOut
    recorded: MoneyOut = Field(description="spends recorded in the ledger, net of reversals")
    declared: MoneyOut = Field(description="declared on monitoring return lines (not queried ones)")
    actual: MoneyOut = Field(description="the greater of recorded and declared")


class OutcomeStatusOut(BaseModel):
    outcome_id: str
    text: str
    rating: str | None = Field(description="at the newest review that rated it; null if never rated")
    rated_on: date | None
    note: str | None


class PlanVsActualOut(BaseModel):
    budget_id: UUID
    reference: str
    plan_version: int | None
    agreed_on: date | None
    next_review_due: date | None
    indicative: MoneyOut | None
    allocated: MoneyOut
    planned: MoneyOut
    recorded: MoneyOut
    declared: MoneyOut
    categories: list[CategoryPlanOut]
    outcomes: list[OutcomeStatusOut]

    @classmethod
    def of(cls, p: PlanVsActual) -> Self:
        return cls(
            budget_id=p.budget_id,
            reference=p.reference,
            plan_version=p.plan_version,
            agreed_on=p.agreed_on,
            next_review_due=p.next_review_due,
            indicative=p.indicative,
            allocated=p.allocated,
            planned=p.planned,
            recorded=p.recorded,
            declared=p.declared,
            categories=[CategoryPlanOut.model_validate(vars(c) | {"actual": c.actual}) for c in p.categories],
            outcomes=[OutcomeStatusOut.model_validate(vars(o)) for o in p.outcomes],
        )

    def csv_rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {"line": "category", **c.model_dump(mode="json")} for c in self.categories
        ]
        rows += [{"line": "outcome", **o.model_dump(mode="json")} for o in self.outcomes]
        return rows
