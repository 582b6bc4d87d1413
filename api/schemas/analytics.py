"""Answers of the analytics routes: figures as strings (amounts "600.00", shares "0.2500")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from api.schemas.plan_analytics import ReviewOverdue
from api.schemas.types import Money, Reason, Stream


def wire(value: Any) -> Any:
    """Decimals as their exact strings, dates as ISO; the read models already fixed the places."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


class SpendingGroup(BaseModel):
    """One group: the grouping keys asked for (only those) and its figures."""

    category: str | None = None
    month: str | None = Field(default=None, description="YYYY-MM of the service date")
    cohort: str | None = None
    management: str | None = None
    stream: str | None = Field(default=None, description="null for spends charged to no stream")
    provider: str | None = Field(
        default=None,
        description="the register entry paid (provider_id); `unregistered` for free text, never named",
    )
    amount: str | None = Field(description="null when suppressed")
    share: str | None = Field(description="of the grouping it belongs to; shares of a grouping sum to 1")
    units: dict[str, str]
    unit_costs: dict[str, str] = Field(description="amount per unit (hour, night...) where units exist")
    suppressed: bool = Field(
        default=False, description="withheld: too few families (or one withheld beside another)"
    )


class Suppression(BaseModel):
    """What small-number suppression withheld (commissioners; null threshold: nothing is)."""

    suppressed_groups: int = Field(default=0, description="groups whose figures are withheld")
    suppression_threshold: int | None = Field(
        default=None, description="groups covering fewer families than this are withheld"
    )


class SpendingOut(Suppression):
    group_by: list[str]
    groups: list[SpendingGroup]
    total: str | None = Field(description="null when the whole answer covers too few families")


class Figures(BaseModel):
    """Money a set of budgets was given and used (null where suppressed)."""

    budgets: int | None
    allocated: str | None
    released: str | None
    spent: str | None
    recovered: str | None
    available: str | None


class Row(BaseModel):
    suppressed: bool = Field(default=False, description="figures withheld: too few families")


class CohortFigures(Figures, Row):
    cohort: str | None = Field(description="null for budgets opened without a cohort")


class ManagementFigures(Figures, Row):
    management: str


class StreamFigures(Row):
    stream: str
    budgets: int | None
    allocated: str | None
    spent: str | None


class EnvelopeUse(Row):
    stream: str
    year: int = Field(description="financial year starting 1 April of this year")
    envelope: str | None = Field(description="null when no envelope is set for the stream and year")
    allocated: str | None
    remaining: str | None


class PortfolioOut(Figures, Suppression):
    year: int | None
    by_stream: list[StreamFigures]
    by_cohort: list[CohortFigures]
    by_management: list[ManagementFigures]
    envelopes: list[EnvelopeUse]


class ReturnLine(BaseModel):
    """A monitoring return with the spend recorded over its period beside what was declared."""

    budget_id: str
    reference: str
    return_id: str
    period_start: str
    period_end: str
    status: str = Field(description="submitted, accepted or queried")
    submitted_at: str
    decided_at: str | None
    declared: str
    recorded: str
    difference: str = Field(description="declared minus recorded")


class WaitingReturn(ReturnLine):
    days_waiting: int


class WaitingInstalment(BaseModel):
    budget_id: str
    reference: str
    number: int
    amount: str
    due_on: str
    latest_return_status: str | None = Field(
        description="null: no return since the last release; submitted: awaiting a decision; queried"
    )
    days_overdue: int


class ReturnOverdue(BaseModel):
    """A monitoring period of the budget's scheme, past its due date, that no return accounts for."""

    budget_id: str
    reference: str
    period_start: str
    period_end: str
    due_on: str
    days_overdue: int


class NightsWarning(BaseModel):
    """A budget whose child is within the scheme's warning distance of an overnight threshold, or past it."""

    budget_id: str
    reference: str
    per: str = Field(description="month or period")
    month: str | None = Field(description="YYYY-MM for a monthly threshold")
    threshold: int
    counted: str = Field(description="nights counted, reversals netted, as the budget counted them")
    past: bool = Field(description="past the threshold (the spend that crossed it carried an override)")


class MonitoringOut(BaseModel):
    today: str
    waiting: list[WaitingReturn] = Field(description="returns awaiting a caseworker's decision")
    gated_waiting: list[WaitingInstalment] = Field(description="gated instalments waiting on a return")
    overdue: list[WaitingInstalment] = Field(description="gated instalments past due_on, still waiting")
    discrepancies: list[ReturnLine] = Field(description="returns whose declared spend differs")
    returns_overdue: list[ReturnOverdue] = Field(
        default_factory=list,
        description="returns due by the budget scheme's schedule and not in, every budget",
    )
    reviews_overdue: list[ReviewOverdue] = Field(
        default_factory=list, description="reviews of the support plan past their due date (issue 9)"
    )
    nights_warnings: list[NightsWarning] = Field(
        default_factory=list,
        description="budgets within the scheme's warning distance of an overnight nights threshold, or "
        "past it: the period's, and the month of `today` (issue 10)",
    )


class EnvelopeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "stream": "social_care",
                    "year": 2026,
                    "amount": "400000.00",
                    "reason": "Cabinet budget 2026/27",
                }
            ]
        },
    )
    stream: Stream
    year: StrictInt = Field(ge=2000, le=2100, description="financial year starting 1 April of this year")
    amount: Money
    reason: Reason


class EnvelopeOut(BaseModel):
    stream: str
    year: int
    amount: str
    reason: str
    set_by: str
    set_at: str


class EnvelopesOut(BaseModel):
    envelopes: list[EnvelopeOut]


# --- surplus (issue 8): budgets holding more than their scheme's weeks of support ---
class SurplusBudget(BaseModel):
    id: str
    reference: str
    family_ref: str
    scheme: str
    surplus_weeks: int = Field(description="the weeks of support the scheme lets a budget hold")
    period_start: str
    period_end: str
    status: str
    allocated: str
    available: str
    weekly_support: str = Field(description="the allocation over the weeks of the budget's period")
    threshold: str = Field(description="surplus_weeks of weekly support: what the budget may hold")
    reclaimable: str = Field(description="available minus threshold")


class SurplusTotals(BaseModel):
    budgets: int | None
    families: int | None
    available: str | None
    reclaimable: str | None
    suppressed: bool = Field(default=False, description="withheld: fewer families than the threshold")


class SurplusOut(BaseModel):
    budgets: list[SurplusBudget] | None = Field(
        description="each budget with reclaimable money (null for commissioners, who see totals only)"
    )
    totals: SurplusTotals
    suppression_threshold: int | None = None


# --- providers (issue 10): unit costs by provider, in-house against external ---
class ProviderCostGroup(BaseModel):
    """One provider's spending on one category (and month or cohort, if asked)."""

    provider_id: str | None = Field(description="null: spends naming a free-text provider only")
    reference: str | None
    in_house: bool | None = Field(description="the council's own service; null when not in the register")
    category: str
    month: str | None = None
    cohort: str | None = None
    amount: str | None = Field(description="net of reversals; null when suppressed")
    units: dict[str, str]
    unit_costs: dict[str, str]
    suppressed: bool = False


class SideCostGroup(BaseModel):
    """A category's spending on in-house, external or unregistered providers."""

    category: str
    side: str = Field(description="in_house, external or unregistered")
    amount: str | None
    units: dict[str, str]
    unit_costs: dict[str, str]
    suppressed: bool = False


class ProviderCostsOut(Suppression):
    by: str | None
    providers: list[ProviderCostGroup]
    in_house_vs_external: list[SideCostGroup]
    total: str | None
