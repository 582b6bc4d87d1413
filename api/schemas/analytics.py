"""Answers of the analytics routes: figures as strings (amounts "600.00", shares "0.2500")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

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
    """One group: its grouping keys (category, month, cohort, management, stream) and figures."""

    model_config = ConfigDict(extra="allow")
    amount: str
    share: str = Field(description="of the grouping it belongs to; shares of a grouping sum to 1")
    units: dict[str, str]
    unit_costs: dict[str, str] = Field(description="amount per unit (hour, night...) where units exist")


class SpendingOut(BaseModel):
    group_by: list[str]
    groups: list[SpendingGroup]
    total: str


class PortfolioOut(BaseModel):
    year: int | None
    budgets: int
    allocated: str
    released: str
    spent: str
    recovered: str
    available: str
    by_stream: list[dict[str, Any]]
    by_cohort: list[dict[str, Any]]
    by_management: list[dict[str, Any]]
    envelopes: list[dict[str, Any]]


class MonitoringOut(BaseModel):
    today: str
    waiting: list[dict[str, Any]] = Field(description="returns awaiting a caseworker's decision")
    gated_waiting: list[dict[str, Any]] = Field(description="gated instalments waiting on a return")
    overdue: list[dict[str, Any]] = Field(description="gated instalments past due_on, still waiting")
    discrepancies: list[dict[str, Any]] = Field(description="returns whose declared spend differs")


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
