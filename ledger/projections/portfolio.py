"""Portfolio: the commissioners' totals, by stream, cohort and management, against envelopes.

The per-budget figures are the balances read model's own rows: this module
applies `ledger.projections.balances.writes_for` to its own copy of those tables
(so both agree by construction) and adds three small tables: the financial year
of each budget, what it spent from each funding stream (the stream the budget
charged each real spend to, carried by the event; summed into one row per budget
and stream as spends come, shape 2, so an answer reads a row per budget, not one
per spend), and the funding envelopes from the `Envelopes`
aggregate's `EnvelopeSet` events (the newest per stream and year wins).

Year: a budget belongs to the financial year (1 April to 31 March) in which its
`period_start` falls, named by the calendar year it starts in: 2026 is 1 April
2026 to 31 March 2027. Envelopes are set for the same years.

Every figure is the budget's own (copied from its events); trial spends never count.
Released, recovered and available are per budget: instalments are not drawn from a
particular stream, so `by_stream` gives budgets, allocated and spent only (spends
with no stream to attribute them to are under `unassigned`). An envelope's
`allocated` is the current allocation from its stream of every budget of its year,
closed ones included; `remaining` is the envelope minus that (null with no envelope).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    delete,
    distinct,
    func,
    insert,
    select,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.aggregates.envelopes import Envelopes, financial_year
from ledger.projections import balances
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.spending import UNASSIGNED
from ledger.projections.view import PostgresReadView, ReadModelProjection, SQLiteReadView, Write


@singledispatch
def own_writes(event: Any) -> list[Write]:
    return []


@own_writes.register
def _(event: ev.BudgetOpened) -> list[Write]:
    return [("year", {"id": str(event.originator_id), "year": financial_year(event.period_start)})]


def _spend(event: ev.SpendRecorded | ev.SpendReversed, sign: int) -> Write:
    params = {
        "id": str(event.originator_id),
        "stream": event.charged_stream or UNASSIGNED,
        "amount": sign * to_pence(event.amount),
    }
    return ("spend", params)


@own_writes.register
def _(event: ev.SpendRecorded) -> list[Write]:
    return [_spend(event, 1)]


@own_writes.register
def _(event: ev.SpendReversed) -> list[Write]:
    return [_spend(event, -1)]


@own_writes.register
def _(event: Envelopes.EnvelopeSet) -> list[Write]:
    params = {"stream": event.stream, "year": event.year, "amount": to_pence(event.amount)}
    return [("clear_envelope", params), ("envelope", params)]


def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return [*balances.writes_for(event, tracking), *own_writes(event)]


class PortfolioProjection(ReadModelProjection):
    name = "portfolio"
    writes = staticmethod(writes_for)


def figures(row: dict[str, Any]) -> dict[str, Any]:
    money = ("allocated", "released", "spent", "recovered", "available")
    return {"budgets": int(row["budgets"] or 0), **{k: from_pence(row[k]) for k in money}}


class PortfolioQueries(balances.BalancesQueries):
    """The balances tables (kept by the same writes), plus years, spends by stream and envelopes."""

    def declare(self, metadata: MetaData, prefix: str) -> None:
        super().declare(metadata, prefix)
        self.years = Table(
            f"{prefix}years",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("year", Integer, nullable=False),
        )
        # shape 2 (issue 15): one row per budget and stream, summed as spends come, not one per spend
        self.spends = Table(
            f"{prefix}stream_spent",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("stream", Text, primary_key=True),
            Column("amount", BigInteger, nullable=False),  # net of reversals
            Column("spends", BigInteger, nullable=False),  # spends and reversals summed in
        )
        self.envelopes = Table(
            f"{prefix}envelopes",
            metadata,
            Column("stream", Text, primary_key=True),
            Column("year", Integer, primary_key=True),
            Column("amount", BigInteger, nullable=False),
        )

    def statements(self) -> Mapping[str, Executable]:
        y, s, e = self.years, self.spends, self.envelopes
        return {
            **super().statements(),
            "year": insert(y).values(budget_id=bindparam("id"), year=bindparam("year")),
            "spend": self._upsert(s)
            .values(
                budget_id=bindparam("id"), stream=bindparam("stream"), amount=bindparam("amount"), spends=1
            )
            .on_conflict_do_update(
                index_elements=[s.c.budget_id, s.c.stream],
                set_={"amount": s.c.amount + bindparam("amount"), "spends": s.c.spends + 1},
            ),
            "clear_envelope": delete(e).where(
                e.c.stream == bindparam("stream"), e.c.year == bindparam("year")
            ),
            "envelope": insert(e).values(
                stream=bindparam("stream"), year=bindparam("year"), amount=bindparam("amount")
            ),
        }

    def _upsert(self, table: Table) -> Any:
        return (postgresql.insert if self.dialect.name == "postgresql" else sqlite.insert)(table)

    @kept
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
        b, y = self.budgets, self.years
        sums = [
            func.sum(b.c[name]).label(name)
            for name in ("allocated", "released", "spent", "recovered", "available")
        ]
        grouping = [b.c[key]] if key else []
        query = select(*grouping, func.count().label("budgets"), *sums).join(
            y, y.c.budget_id == b.c.budget_id
        )
        if year is not None:
            query = query.where(y.c.year == year)
        rows = self.select(query.group_by(*grouping))
        if not key:
            return [figures(r) for r in rows]
        # sorted here, not in SQL: the stores disagree on where NULL (no cohort) sorts
        rows.sort(key=lambda r: (r[key] is None, r[key] or ""))
        return [{key: r[key], **figures(r)} for r in rows]

    @kept
    def families(self, year: int | None, key: str | None) -> dict[Any, int]:
        """Security (issue 14): how many families each row of `_figures(year, key)` covers."""
        b, y = self.budgets, self.years
        grouping = [b.c[key]] if key else []
        count = func.count(distinct(b.c.family_ref)).label("families")
        query = select(*grouping, count).join(y, y.c.budget_id == b.c.budget_id)
        if year is not None:
            query = query.where(y.c.year == year)
        rows = self.select(query.group_by(*grouping))
        return {(row[key] if key else None): int(row["families"] or 0) for row in rows}

    @kept
    def stream_families(self, year: int | None = None) -> dict[str, int]:
        """Security (issue 14): how many families each stream's row covers (allocated or spent)."""
        st, s, y, b = self.streams, self.spends, self.years, self.budgets
        parts = []
        # a stream's spends count its family even when all were reversed (as one row per spend did)
        for table, present in ((st, st.c.amount > 0), (s, s.c.spends > 0)):
            query = (
                select(table.c.stream.label("stream"), b.c.family_ref.label("family_ref"))
                .join(y, y.c.budget_id == table.c.budget_id)
                .join(b, b.c.budget_id == table.c.budget_id)
                .where(present)
            )
            if year is not None:
                query = query.where(y.c.year == year)
            parts.append(query)
        # the store counts distinct (stream, family) pairs: fetching one row per spend grew with the ledger
        pairs = union(*parts).subquery()
        counted = select(pairs.c.stream, func.count().label("families")).group_by(pairs.c.stream)
        return {row["stream"]: int(row["families"]) for row in self.select(counted)}

    def _stream_allocated(self) -> list[dict[str, Any]]:
        st, y = self.streams, self.years
        funded = func.sum(func.coalesce((st.c.amount > 0).cast(Integer), 0)).label("budgets")
        return self.select(
            select(st.c.stream, y.c.year, funded, func.sum(st.c.amount).label("allocated"))
            .join(y, y.c.budget_id == st.c.budget_id)
            .group_by(st.c.stream, y.c.year)
        )

    def _stream_spent(self) -> list[dict[str, Any]]:
        s, y = self.spends, self.years
        return self.select(
            select(s.c.stream, y.c.year, func.sum(s.c.amount).label("spent"))
            .join(y, y.c.budget_id == s.c.budget_id)
            .group_by(s.c.stream, y.c.year)
            .having(func.sum(s.c.amount) != 0)  # spends all reversed leave no trace
        )

    def _by_stream(self, year: int | None) -> list[dict[str, Any]]:
        streams: dict[str, dict[str, int]] = {}
        for row in self._stream_allocated() + self._stream_spent():
            if year is not None and row["year"] != year:
                continue
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

    def _envelopes(self, year: int | None) -> list[dict[str, Any]]:
        envelopes = {(r["stream"], r["year"]): r["amount"] for r in self.select(select(self.envelopes))}
        allocated = {(r["stream"], r["year"]): r["allocated"] for r in self._stream_allocated()}
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
