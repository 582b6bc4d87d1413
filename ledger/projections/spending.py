"""Spending patterns: one fact row per spend, for shares, trends and unit costs.

Each `SpendRecorded` (and `TrialSpendRecorded`, kept apart by its `trial_id`) becomes
a fact: budget, spend, category, funding stream, management, cohort, broker
organisation, month (`YYYY-MM` of the service date), service date, amount (pence)
and units (hundredths) with their unit. A `SpendReversed` adds the same fact with
the amount and units negated, so every sum over the facts is net of reversals.

The funding stream of a fact is the spend's own `funding_stream` if it named one;
else the budget's only allocated stream (amount above zero) when the spend was
recorded, if it had exactly one; else `unassigned`. Cohort and management come
from `BudgetOpened`, the streams from `AllocationDecided` / `AllocationRevised`,
kept in this read model's own side tables.

Shares: with one grouping key (or none) each group's share is of the grand total;
with several keys, shares are within each combination of all keys but the LAST
(`group_by=month,category` gives each month's category shares). Shares are
rounded to four places by largest remainder, so each grouping sums to exactly 1.
Groups whose spends were all reversed (net zero) are left out. Trial spends are
left out unless `include_trials`, which adds them into the same groups. A unit
cost is a group's spend on facts with that unit over those units, to the penny
(half up).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.aggregates import events as ev
from ledger.errors import InvalidInput, InvalidPeriod
from ledger.money import PENNY
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import (
    PostgresReadView,
    ReadModelProjection,
    ReadView,
    SQLiteReadView,
    Write,
)

GROUP_KEYS = ("category", "month", "cohort", "management", "stream")
SHARE_PLACES = 4

TABLES = (
    "CREATE TABLE IF NOT EXISTS {p}budgets (budget_id TEXT PRIMARY KEY, management TEXT NOT NULL, "
    "cohort TEXT, broker_org TEXT)",
    "CREATE TABLE IF NOT EXISTS {p}streams (budget_id TEXT NOT NULL, stream TEXT NOT NULL, "
    "amount BIGINT NOT NULL, PRIMARY KEY (budget_id, stream))",
    "CREATE TABLE IF NOT EXISTS {p}facts (budget_id TEXT NOT NULL, spend_id TEXT NOT NULL, "
    "kind TEXT NOT NULL, trial_id TEXT, category TEXT NOT NULL, stream TEXT NOT NULL, "
    "management TEXT NOT NULL, cohort TEXT, broker_org TEXT, month TEXT NOT NULL, "
    "service_date TEXT NOT NULL, amount BIGINT NOT NULL, units BIGINT, unit TEXT)",
    "CREATE UNIQUE INDEX IF NOT EXISTS {n}facts_key ON {p}facts "
    "(budget_id, spend_id, kind, COALESCE(trial_id, ''))",
    "CREATE INDEX IF NOT EXISTS {n}facts_service_date ON {p}facts (service_date)",
)

#: The stream a spend is attributed to; `{p}streams` holds (budget_id, stream, amount).
RESOLVED_STREAM = (
    "COALESCE(CAST(:stream AS TEXT), CASE WHEN (SELECT COUNT(*) FROM {p}streams "
    "WHERE budget_id = :id AND amount > 0) = 1 THEN (SELECT MIN(stream) FROM {p}streams "
    "WHERE budget_id = :id AND amount > 0) ELSE 'unassigned' END)"
)
FACT_COLUMNS = (
    "budget_id, spend_id, kind, trial_id, category, stream, management, cohort, broker_org, "
    "month, service_date, amount, units, unit"
)
RECORD = (
    f"INSERT INTO {{p}}facts ({FACT_COLUMNS}) SELECT :id, :spend_id, 'recorded', "
    f"CAST(:trial_id AS TEXT), :category, {RESOLVED_STREAM}, management, cohort, broker_org, :month, "
    ":service_date, :amount, CAST(:units AS BIGINT), CAST(:unit AS TEXT) "
    "FROM {p}budgets WHERE budget_id = :id"
)
REVERSE = (
    f"INSERT INTO {{p}}facts ({FACT_COLUMNS}) SELECT budget_id, spend_id, 'reversed', trial_id, "
    "category, stream, management, cohort, broker_org, month, service_date, -amount, -units, unit "
    "FROM {p}facts WHERE budget_id = :id AND spend_id = :spend_id AND kind = 'recorded' "
    "AND trial_id IS NULL"
)
RESET_STREAMS = "DELETE FROM {p}streams WHERE budget_id = :id"
ADD_STREAM = "INSERT INTO {p}streams (budget_id, stream, amount) VALUES (:id, :stream, :amount)"


def stream_writes(event: ev.AllocationDecided | ev.AllocationRevised) -> list[Write]:
    """Replace the budget's allocated streams (kept with their amounts, as balances keeps them)."""
    budget_id = str(event.originator_id)
    return [
        (RESET_STREAMS, {"id": budget_id}),
        *(
            (ADD_STREAM, {"id": budget_id, "stream": s, "amount": to_pence(a)})
            for s, a in sorted(event.amounts.items())
        ),
    ]


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return []


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    sql = (
        "INSERT INTO {p}budgets (budget_id, management, cohort, broker_org) "
        "VALUES (:id, :management, :cohort, :broker_org)"
    )
    params = {"management": event.management, "cohort": event.cohort, "broker_org": event.broker_org}
    return [(sql, {"id": str(event.originator_id), **params})]


@writes_for.register(ev.AllocationDecided)
@writes_for.register(ev.AllocationRevised)
def _(event: ev.AllocationDecided | ev.AllocationRevised, tracking: Tracking) -> list[Write]:
    return stream_writes(event)


def fact_params(event: ev.SpendRecorded | ev.TrialSpendRecorded) -> dict[str, Any]:
    return {
        "id": str(event.originator_id),
        "spend_id": event.spend_id,
        "category": event.category,
        "month": event.service_date.isoformat()[:7],
        "service_date": event.service_date.isoformat(),
        "amount": to_pence(event.amount),
        "units": to_pence(event.units) if event.units is not None else None,
        "unit": event.unit,
    }


@writes_for.register
def _(event: ev.SpendRecorded, tracking: Tracking) -> list[Write]:
    return [(RECORD, {**fact_params(event), "trial_id": None, "stream": event.funding_stream})]


@writes_for.register
def _(event: ev.TrialSpendRecorded, tracking: Tracking) -> list[Write]:
    return [(RECORD, {**fact_params(event), "trial_id": event.trial_id, "stream": None})]


@writes_for.register
def _(event: ev.SpendReversed, tracking: Tracking) -> list[Write]:
    return [(REVERSE, {"id": str(event.originator_id), "spend_id": event.spend_id})]


class SpendingProjection(ReadModelProjection):
    name = "spending"
    writes = staticmethod(writes_for)


def check_group_by(group_by: list[str] | tuple[str, ...]) -> list[str]:
    keys = list(group_by)
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown:
        raise InvalidInput(f"group_by {', '.join(unknown)} is not among {', '.join(GROUP_KEYS)}")
    if len(set(keys)) != len(keys):
        raise InvalidInput("group_by names each key once")
    return keys


def largest_remainder_shares(amounts: list[int], places: int = SHARE_PLACES) -> list[Decimal]:
    """Each amount's share of their sum, rounded so that the shares sum to exactly 1."""
    whole, scale = sum(amounts), 10**places
    if whole <= 0:
        return [Decimal(0).scaleb(-places) for _ in amounts]
    floors = [a * scale // whole for a in amounts]
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * scale % whole), i))
    for i in by_remainder[: scale - sum(floors)]:
        floors[i] += 1
    return [Decimal(f).scaleb(-places) for f in floors]


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, str(value or "")) for value in key)


class SpendingQueries(ReadView):
    TABLES = TABLES

    def spending(
        self,
        group_by: list[str] | tuple[str, ...] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        cohort: str | None = None,
        include_trials: bool = False,
    ) -> dict[str, Any]:
        """Net amounts, units, shares and unit costs per group; see the module's notes on shares."""
        keys = check_group_by(group_by)
        if date_from and date_to and date_from > date_to:
            raise InvalidPeriod("from is after to")
        rows = self.select(*self._grouped_sql(keys, date_from, date_to, cohort, include_trials))
        groups = _fold_rows(rows, keys)
        ordered = sorted(groups, key=_sort_key)
        shares = _shares(ordered, groups)
        return {
            "groups": [_present(keys, key, groups[key], shares[key]) for key in ordered],
            "total": from_pence(sum(g["amount"] for g in groups.values())),
        }

    @staticmethod
    def _grouped_sql(
        keys: list[str], date_from: date | None, date_to: date | None, cohort: str | None, trials: bool
    ) -> tuple[str, dict[str, Any]]:
        given = {
            "service_date >= :date_from": date_from.isoformat() if date_from else None,
            "service_date <= :date_to": date_to.isoformat() if date_to else None,
            "cohort = :cohort": cohort,
        }
        conditions = [c for c, v in given.items() if v is not None]
        if not trials:
            conditions.append("trial_id IS NULL")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        columns = "".join(f"{k}, " for k in keys)
        sql = (
            f"SELECT {columns}unit, SUM(amount) AS amount, SUM(units) AS units "
            f"FROM {{p}}facts{where} GROUP BY {columns}unit"
        )
        params = {c.rsplit(":", 1)[1]: v for c, v in given.items() if v is not None}
        return sql, params


def _fold_rows(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Per group: net pence, and per unit its net hundredths and the pence spent on it."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(tuple(row[k] for k in keys), {"amount": 0, "units": {}, "costs": {}})
        amount, units = int(row["amount"]), int(row["units"] or 0)
        group["amount"] += amount
        if row["unit"] is not None and units:
            group["units"][row["unit"]] = units
            group["costs"][row["unit"]] = amount
    return {key: group for key, group in groups.items() if group["amount"]}


def _shares(
    ordered: list[tuple[Any, ...]], groups: dict[tuple[Any, ...], dict[str, Any]]
) -> dict[tuple[Any, ...], Decimal]:
    partitions: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key in ordered:
        partitions.setdefault(key[:-1], []).append(key)
    shares: dict[tuple[Any, ...], Decimal] = {}
    for members in partitions.values():
        amounts = [groups[k]["amount"] for k in members]
        shares.update(zip(members, largest_remainder_shares(amounts), strict=True))
    return shares


def _present(keys: list[str], key: tuple[Any, ...], group: dict[str, Any], share: Decimal) -> dict[str, Any]:
    units, costs = group["units"], group["costs"]
    return {
        **dict(zip(keys, key, strict=True)),
        "amount": from_pence(group["amount"]),
        "units": {unit: from_pence(units[unit]) for unit in sorted(units)},
        "share": share,
        "unit_costs": {
            unit: (Decimal(costs[unit]) / Decimal(units[unit])).quantize(PENNY, ROUND_HALF_UP)
            for unit in sorted(units)
        },
    }


class SQLiteSpendingView(SpendingQueries, SQLiteReadView):
    pass


class PostgresSpendingView(SpendingQueries, PostgresReadView):
    pass
