"""Budget schemes on the wire: each published version with its rules and fingerprint."""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.types import Day
from ledger.schemes import BudgetScheme


class SchemeOut(BaseModel):
    id: str
    version: int
    title: str
    fingerprint: str = Field(description="SHA-256 of the scheme's canonical JSON: it never changes")
    rules: BudgetScheme = Field(description="the scheme as published (its canonical document)")

    @classmethod
    def of(cls, scheme: BudgetScheme) -> Self:
        return cls(
            id=scheme.id,
            version=scheme.version,
            title=scheme.title,
            fingerprint=scheme.fingerprint,
            rules=scheme,
        )


class SchemesOut(BaseModel):
    schemes: list[SchemeOut]


class PinnedSchemeOut(BaseModel):
    """The scheme a budget opened under (DESIGN: a budget carries `scheme` {id, version})."""

    id: str
    version: int
    fingerprint: str

    @classmethod
    def of(cls, scheme: Any) -> Self:
        return cls(id=scheme.id, version=scheme.version, fingerprint=scheme.fingerprint)


class BankAccountIn(BaseModel):
    """Only the date is kept: no account details are stored."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"confirmed_on": "2026-04-02"}]}
    )

    confirmed_on: Day


class ReturnDueOut(BaseModel):
    period_start: date
    period_end: date
    due_on: date
    return_id: str | None = Field(description="the return that accounts for the period, if any")
    status: str = Field(description="met, due or overdue")
    days_overdue: int | None


class NightsOut(BaseModel):
    """A child's overnight nights against one threshold of the scheme, and whether to warn."""

    per: str = Field(description="month or period")
    month: str | None = Field(description="YYYY-MM for a monthly threshold")
    threshold: int
    counted: str = Field(description="nights counted, reversals netted")
    approaching: bool = Field(description="within the scheme's warning distance, or past the threshold")

    @classmethod
    def of(cls, count: Any) -> NightsOut:
        return cls(
            per=count.threshold.per,
            month=count.month,
            threshold=count.threshold.nights,
            counted=str(count.counted),
            approaching=count.approaching,
        )


class BudgetMonitoringOut(BaseModel):
    """One budget's monitoring by its scheme's schedule, as of `today`."""

    budget_id: str
    reference: str
    scheme: PinnedSchemeOut
    today: date
    gate: str = Field(description="what opens a gated instalment: a return submitted, or accepted")
    returns_due: list[ReturnDueOut]
    overdue: list[ReturnDueOut]
    waiting_at_gate: list[int] = Field(description="gated instalments the gate would refuse now")
    overnight_nights: list[NightsOut] = Field(
        default_factory=list,
        description="nights of overnight care counted against each of the scheme's thresholds (issue 10)",
    )

    @classmethod
    def of(cls, budget: Any, today: date) -> Self:
        due = [_due(d, today) for d in budget.returns_due()]
        return cls(
            budget_id=str(budget.id),
            reference=budget.reference,
            scheme=PinnedSchemeOut.of(budget.scheme),
            today=today,
            gate=budget.scheme.gate,
            returns_due=due,
            overdue=[d for d in due if d.status == "overdue"],
            waiting_at_gate=budget.waiting_at_gate(),
            overnight_nights=[NightsOut.of(c) for c in budget.nights_counts(today)],
        )


def _due(due: Any, today: date) -> ReturnDueOut:
    late = due.overdue_days(today)
    status = "met" if due.return_id else ("overdue" if late is not None else "due")
    return ReturnDueOut(**vars(due), status=status, days_overdue=late)
