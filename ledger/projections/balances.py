"""Balances: one row per budget with its figures, the source of budget lists and filters.

Released, spent and recovered are kept as running totals; the small side tables
(streams, instalments, spends) let a later event (a release, a reversal, a
revision) find the amount it changes with a subquery, so each event still maps
to plain SQL writes with no read-modify-write in Python.
"""

from __future__ import annotations

import base64
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.aggregates import events as ev
from ledger.errors import InvalidInput
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import (
    PostgresReadView,
    ReadModelProjection,
    ReadView,
    SQLiteReadView,
    Write,
)

TABLES = (
    "CREATE TABLE IF NOT EXISTS {p}budgets (budget_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, "
    "reference TEXT NOT NULL, family_ref TEXT NOT NULL, period_start TEXT NOT NULL, "
    "period_end TEXT NOT NULL, management TEXT NOT NULL, cohort TEXT, broker_org TEXT, "
    "status TEXT NOT NULL, version INTEGER NOT NULL, allocated BIGINT NOT NULL DEFAULT 0, "
    "scheduled BIGINT NOT NULL DEFAULT 0, released BIGINT NOT NULL DEFAULT 0, "
    "spent BIGINT NOT NULL DEFAULT 0, recovered BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS {n}budgets_seq ON {p}budgets (seq)",
    "CREATE TABLE IF NOT EXISTS {p}streams (budget_id TEXT NOT NULL, stream TEXT NOT NULL, "
    "amount BIGINT NOT NULL, PRIMARY KEY (budget_id, stream))",
    "CREATE TABLE IF NOT EXISTS {p}instalments (budget_id TEXT NOT NULL, number INTEGER NOT NULL, "
    "amount BIGINT NOT NULL, PRIMARY KEY (budget_id, number))",
    "CREATE TABLE IF NOT EXISTS {p}spends (budget_id TEXT NOT NULL, spend_id TEXT NOT NULL, "
    "amount BIGINT NOT NULL, PRIMARY KEY (budget_id, spend_id))",
)

BUMP = "UPDATE {p}budgets SET version = :version WHERE budget_id = :id"
SET_STATUS = "UPDATE {p}budgets SET status = :status, version = :version WHERE budget_id = :id"
ADD = "UPDATE {p}budgets SET {column} = {column} + :amount, version = :version WHERE budget_id = :id"
RESET_STREAMS = "DELETE FROM {p}streams WHERE budget_id = :id"
ADD_STREAM = "INSERT INTO {p}streams (budget_id, stream, amount) VALUES (:id, :stream, :amount)"
SET_ALLOCATED = (
    "UPDATE {p}budgets SET allocated = (SELECT COALESCE(SUM(amount), 0) FROM {p}streams "
    "WHERE budget_id = :id), status = CASE WHEN status = 'open' THEN 'active' ELSE status END, "
    "version = :version WHERE budget_id = :id"
)
INSTALMENT_AMOUNT = "(SELECT amount FROM {p}instalments WHERE budget_id = :id AND number = :number)"
SPEND_AMOUNT = "(SELECT amount FROM {p}spends WHERE budget_id = :id AND spend_id = :spend_id)"


def _add(column: str, amount_sql: str = ":amount") -> str:
    return ADD.replace("{column}", column).replace(":amount", amount_sql)


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    """Events that change no figure still move the budget's version."""
    if isinstance(event, ev.BudgetEvent):
        return [(BUMP, {"id": str(event.originator_id), "version": event.originator_version})]
    return []


def _base(event: Any) -> dict[str, Any]:
    return {"id": str(event.originator_id), "version": event.originator_version}


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    sql = (
        "INSERT INTO {p}budgets (budget_id, seq, reference, family_ref, period_start, period_end, "
        "management, cohort, broker_org, status, version) VALUES (:id, :seq, :reference, "
        ":family_ref, :period_start, :period_end, :management, :cohort, :broker_org, 'open', :version)"
    )
    return [
        (
            sql,
            {
                **_base(event),
                "seq": tracking.notification_id,
                "reference": event.reference,
                "family_ref": event.family_ref,
                "period_start": event.period_start.isoformat(),
                "period_end": event.period_end.isoformat(),
                "management": event.management,
                "cohort": event.cohort,
                "broker_org": event.broker_org,
            },
        )
    ]


@writes_for.register(ev.AllocationDecided)
@writes_for.register(ev.AllocationRevised)
def _(event: ev.AllocationDecided | ev.AllocationRevised, tracking: Tracking) -> list[Write]:
    base = _base(event)
    streams = [
        (ADD_STREAM, {"id": base["id"], "stream": s, "amount": to_pence(a)})
        for s, a in sorted(event.amounts.items())
    ]
    return [(RESET_STREAMS, {"id": base["id"]}), *streams, (SET_ALLOCATED, base)]


@writes_for.register
def _(event: ev.InstalmentScheduled, tracking: Tracking) -> list[Write]:
    base = _base(event)
    row = "INSERT INTO {p}instalments (budget_id, number, amount) VALUES (:id, :number, :amount)"
    amount = to_pence(event.amount)
    return [
        (row, {"id": base["id"], "number": event.number, "amount": amount}),
        (_add("scheduled"), {**base, "amount": amount}),
    ]


@writes_for.register
def _(event: ev.InstalmentReleased, tracking: Tracking) -> list[Write]:
    return [(_add("released", INSTALMENT_AMOUNT), {**_base(event), "number": event.number})]


@writes_for.register
def _(event: ev.InstalmentCancelled, tracking: Tracking) -> list[Write]:
    return [(_add("scheduled", "-" + INSTALMENT_AMOUNT), {**_base(event), "number": event.number})]


@writes_for.register
def _(event: ev.SpendRecorded, tracking: Tracking) -> list[Write]:
    base = _base(event)
    row = "INSERT INTO {p}spends (budget_id, spend_id, amount) VALUES (:id, :spend_id, :amount)"
    amount = to_pence(event.amount)
    return [
        (row, {"id": base["id"], "spend_id": event.spend_id, "amount": amount}),
        (_add("spent"), {**base, "amount": amount}),
    ]


@writes_for.register
def _(event: ev.SpendReversed, tracking: Tracking) -> list[Write]:
    return [(_add("spent", "-" + SPEND_AMOUNT), {**_base(event), "spend_id": event.spend_id})]


@writes_for.register
def _(event: ev.SurplusRecovered, tracking: Tracking) -> list[Write]:
    return [(_add("recovered"), {**_base(event), "amount": to_pence(event.amount)})]


@writes_for.register(ev.BudgetSuspended)
@writes_for.register(ev.BudgetResumed)
@writes_for.register(ev.BudgetClosed)
def _(event: Any, tracking: Tracking) -> list[Write]:
    status = {ev.BudgetSuspended: "suspended", ev.BudgetResumed: "active", ev.BudgetClosed: "closed"}[
        type(event)
    ]
    return [(SET_STATUS, {**_base(event), "status": status})]


class BalancesProjection(ReadModelProjection):
    name = "balances"
    writes = staticmethod(writes_for)


class BalancesQueries(ReadView):
    TABLES = TABLES

    def list_budgets(
        self,
        *,
        cohort: str | None = None,
        status: str | None = None,
        broker_org: str | None = None,
        family_ref: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of budgets in opening order; the cursor is the last row's position."""
        filters = {"cohort": cohort, "status": status, "broker_org": broker_org, "family_ref": family_ref}
        given = {k: v for k, v in filters.items() if v is not None}
        where = "".join(f" AND {column} = :{column}" for column in given)
        rows = self.select(
            f"SELECT * FROM {{p}}budgets WHERE seq > :after{where} ORDER BY seq LIMIT :limit",
            {**given, "after": decode_cursor(cursor), "limit": limit + 1},
        )
        page = [summary(r) for r in rows[:limit]]
        next_cursor = encode_cursor(rows[limit - 1]["seq"]) if len(rows) > limit else None
        return page, next_cursor


def summary(row: dict[str, Any]) -> dict[str, Any]:
    allocated, released = from_pence(row["allocated"]), from_pence(row["released"])
    spent, recovered = from_pence(row["spent"]), from_pence(row["recovered"])
    return {
        "id": row["budget_id"],
        "reference": row["reference"],
        "family_ref": row["family_ref"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "management": row["management"],
        "cohort": row["cohort"],
        "broker_org": row["broker_org"],
        "status": row["status"],
        "version": row["version"],
        "balances": {
            "allocated": allocated,
            "scheduled": from_pence(row["scheduled"]),
            "released": released,
            "spent": spent,
            "recovered": recovered,
            "available": released - spent - recovered,
            "unreleased": allocated - released,
        },
    }


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "seq":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor is not one this server gave out") from None


class SQLiteBalancesView(BalancesQueries, SQLiteReadView):
    pass


class PostgresBalancesView(BalancesQueries, PostgresReadView):
    pass
