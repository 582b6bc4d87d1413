"""Portfolio: the commissioners' totals, by stream, cohort and management, against envelopes.

The per-budget figures are the balances read model's own rows: this module
applies `ledger.projections.balances.writes_for` to its own copy of those tables
(so both agree by construction) and adds three small tables: the financial year
of each budget, each real spend's funding stream (resolved as in
`ledger.projections.spending`), and the funding envelopes from the `Envelopes`
aggregate's `EnvelopeSet` events (the newest per stream and year wins).

Year: a budget belongs to the financial year (1 April to 31 March) in which its
`period_start` falls, named by the calendar year it starts in: 2026 is 1 April
2026 to 31 March 2027. Envelopes are set for the same years.

Available is released minus net spent minus recovered. Trial spends never count.
Released, recovered and available are per budget: instalments are not drawn from a
particular stream, so `by_stream` gives budgets, allocated and spent only (spends
with no stream to attribute them to are under `unassigned`). An envelope's
`allocated` is the current allocation from its stream of every budget of its year,
closed ones included; `remaining` is the envelope minus that (null with no envelope).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.aggregates import events as ev
from ledger.aggregates.envelopes import Envelopes, financial_year
from ledger.projections import balances
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.spending import RESOLVED_STREAM
from ledger.projections.view import (
    PostgresReadView,
    ReadModelProjection,
    ReadView,
    SQLiteReadView,
    Write,
)

TABLES = (
    *balances.TABLES,
    "CREATE TABLE IF NOT EXISTS {p}years (budget_id TEXT PRIMARY KEY, year INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {p}spend_streams (budget_id TEXT NOT NULL, spend_id TEXT NOT NULL, "
    "stream TEXT NOT NULL, amount BIGINT NOT NULL, reversed INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (budget_id, spend_id))",
    "CREATE TABLE IF NOT EXISTS {p}envelopes (stream TEXT NOT NULL, year INTEGER NOT NULL, "
    "amount BIGINT NOT NULL, PRIMARY KEY (stream, year))",
)


@singledispatch
def own_writes(event: Any) -> list[Write]:
    return []


@own_writes.register
def _(event: ev.BudgetOpened) -> list[Write]:
    sql = "INSERT INTO {p}years (budget_id, year) VALUES (:id, :year)"
    return [(sql, {"id": str(event.originator_id), "year": financial_year(event.period_start)})]


@own_writes.register
def _(event: ev.SpendRecorded) -> list[Write]:
    sql = (
        "INSERT INTO {p}spend_streams (budget_id, spend_id, stream, amount) "
        f"VALUES (:id, :spend_id, {RESOLVED_STREAM}, :amount)"
    )
    params = {
        "id": str(event.originator_id),
        "spend_id": event.spend_id,
        "stream": event.funding_stream,
        "amount": to_pence(event.amount),
    }
    return [(sql, params)]


@own_writes.register
def _(event: ev.SpendReversed) -> list[Write]:
    sql = "UPDATE {p}spend_streams SET reversed = 1 WHERE budget_id = :id AND spend_id = :spend_id"
    return [(sql, {"id": str(event.originator_id), "spend_id": event.spend_id})]


@own_writes.register
def _(event: Envelopes.EnvelopeSet) -> list[Write]:
    sql = (
        "INSERT INTO {p}envelopes (stream, year, amount) VALUES (:stream, :year, :amount) "
        "ON CONFLICT (stream, year) DO UPDATE SET amount = excluded.amount"
    )
    return [(sql, {"stream": event.stream, "year": event.year, "amount": to_pence(event.amount)})]


def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return [*balances.writes_for(event, tracking), *own_writes(event)]


class PortfolioProjection(ReadModelProjection):
    name = "portfolio"
    writes = staticmethod(writes_for)


FIGURES = (
    "SELECT {group}COUNT(*) AS budgets, SUM(b.allocated) AS allocated, SUM(b.released) AS released, "
    "SUM(b.spent) AS spent, SUM(b.recovered) AS recovered FROM {{p}}budgets b "
    "JOIN {{p}}years y ON y.budget_id = b.budget_id{where}{group_by}"
)
STREAM_ALLOCATED = (
    "SELECT s.stream, y.year, SUM(CASE WHEN s.amount > 0 THEN 1 ELSE 0 END) AS budgets, "
    "SUM(s.amount) AS allocated FROM {p}streams s JOIN {p}years y ON y.budget_id = s.budget_id "
    "GROUP BY s.stream, y.year"
)
STREAM_SPENT = (
    "SELECT ss.stream, y.year, SUM(ss.amount) AS spent FROM {p}spend_streams ss "
    "JOIN {p}years y ON y.budget_id = ss.budget_id WHERE ss.reversed = 0 GROUP BY ss.stream, y.year"
)


def figures(row: dict[str, Any]) -> dict[str, Any]:
    released, spent, recovered = (from_pence(row[k]) for k in ("released", "spent", "recovered"))
    return {
        "budgets": int(row["budgets"] or 0),
        "allocated": from_pence(row["allocated"]),
        "released": released,
        "spent": spent,
        "recovered": recovered,
        "available": released - spent - recovered,
    }


class PortfolioQueries(ReadView):
    TABLES = TABLES

    def portfolio(self, year: int | None = None) -> dict[str, Any]:
        """Totals overall, by stream, cohort and management, and the envelopes (of `year`, if given)."""
        return {
            "year": year,
            **self._figures(year, None)[0],
            "by_stream": self._by_stream(year),
            "by_cohort": self._figures(year, "cohort"),
            "by_management": self._figures(year, "management"),
            "envelopes": self._envelopes(year),
        }

    def _figures(self, year: int | None, key: str | None) -> list[dict[str, Any]]:
        sql = FIGURES.format(
            group=f"b.{key} AS {key}, " if key else "",
            where=" WHERE y.year = :year" if year is not None else "",
            group_by=f" GROUP BY b.{key}" if key else "",
        )
        rows = self.select(sql, {"year": year} if year is not None else {})
        if not key:
            return [figures(r) for r in rows]
        # sorted here, not in SQL: the stores disagree on where NULL (no cohort) sorts
        rows.sort(key=lambda r: (r[key] is None, r[key] or ""))
        return [{key: r[key], **figures(r)} for r in rows]

    def _by_stream(self, year: int | None) -> list[dict[str, Any]]:
        streams: dict[str, dict[str, int]] = {}
        for row in self._rows_of_year(STREAM_ALLOCATED, year) + self._rows_of_year(STREAM_SPENT, year):
            entry = streams.setdefault(row["stream"], {"budgets": 0, "allocated": 0, "spent": 0})
            for k in ("budgets", "allocated", "spent"):
                entry[k] += int(row.get(k) or 0)
        return [
            {
                "stream": s,
                "budgets": e["budgets"],
                "allocated": from_pence(e["allocated"]),
                "spent": from_pence(e["spent"]),
            }
            for s, e in sorted(streams.items())
        ]

    def _rows_of_year(self, sql: str, year: int | None) -> list[dict[str, Any]]:
        return [r for r in self.select(sql) if year is None or r["year"] == year]

    def _envelopes(self, year: int | None) -> list[dict[str, Any]]:
        envelopes = {(r["stream"], r["year"]): r["amount"] for r in self.select("SELECT * FROM {p}envelopes")}
        allocated = {(r["stream"], r["year"]): r["allocated"] for r in self.select(STREAM_ALLOCATED)}
        rows = []
        for stream, y in sorted(set(envelopes) | set(allocated), key=lambda k: (k[1], k[0])):
            if year is not None and y != year:
                continue
            envelope = from_pence(envelopes[stream, y]) if (stream, y) in envelopes else None
            given = from_pence(allocated.get((stream, y)))
            rows.append(
                {
                    "stream": stream,
                    "year": y,
                    "envelope": envelope,
                    "allocated": given,
                    "remaining": envelope - given if envelope is not None else None,
                }
            )
        return rows


class SQLitePortfolioView(PortfolioQueries, SQLiteReadView):
    pass


class PostgresPortfolioView(PortfolioQueries, PostgresReadView):
    pass
