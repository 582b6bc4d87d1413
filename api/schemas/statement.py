"""A budget's statement by business date on the wire (JSON; the router also writes it as CSV)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.types import MoneyOut as Money
from ledger.audit_statement import Movement, Statement


class MovementOut(BaseModel):
    on: date = Field(
        description="the business date: a spend's (or reversed spend's) service date, else recorded"
    )
    amount: Money = Field(
        description="the effect on available funds: releases and reversals +, spends and recoveries -"
    )
    version: int
    recorded_at: datetime
    detail: dict[str, Any] = Field(description="the spend, instalment, reason or dispute it concerns")

    @classmethod
    def of(cls, m: Movement) -> MovementOut:
        return cls(on=m.on, amount=m.amount, version=m.version, recorded_at=m.recorded_at, detail=m.detail)


class TotalsOut(BaseModel):
    released: Money
    spent: Money = Field(description="spends in the period, as a positive amount")
    reversed: Money
    recovered: Money


class ReconciliationOut(BaseModel):
    available: Money = Field(description="available funds in the budget's newest figures")
    balance_of_all_movements: Money = Field(description="the sum of every movement on any date")
    reconciled: bool


class StatementOut(BaseModel):
    budget_id: UUID
    reference: str
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")
    opening_balance: Money
    releases: list[MovementOut]
    spends: list[MovementOut]
    reversals: list[MovementOut]
    recoveries: list[MovementOut]
    adjustments: list[MovementOut]
    totals: TotalsOut
    closing_balance: Money
    reconciliation: ReconciliationOut

    @classmethod
    def of(cls, s: Statement) -> StatementOut:
        lines = {
            kind: [MovementOut.of(m) for m in s.of_kind(kind)]
            for kind in ("release", "spend", "reversal", "recovery", "adjustment")
        }
        return cls(
            budget_id=s.budget_id,
            reference=s.reference,
            date_from=s.date_from,
            date_to=s.date_to,
            opening_balance=s.opening_balance,
            releases=lines["release"],
            spends=lines["spend"],
            reversals=lines["reversal"],
            recoveries=lines["recovery"],
            adjustments=lines["adjustment"],
            totals=TotalsOut(
                released=s.total_of("release"),
                spent=-s.total_of("spend"),
                reversed=s.total_of("reversal"),
                recovered=-s.total_of("recovery"),
            ),
            closing_balance=s.closing_balance,
            reconciliation=ReconciliationOut(
                available=s.available,
                balance_of_all_movements=s.balance_of_all_movements,
                reconciled=s.reconciled,
            ),
        )
