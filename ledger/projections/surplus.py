"""Surplus: budgets holding more available money than their scheme's weeks of support.

The rule (weekly support, the threshold, what is reclaimable) is the scheme's
(`ledger.schemes.scheme.surplus`); this read model only copies its answer. The
opening event stores the budget's period and its scheme's `surplus_weeks`;
every later Budget event reads those back from the row and asks the scheme's
rule again with the event's figures, so the row holds what the domain decided
after that event. The read and the write run in the projection's single
thread, in notification order, so the row read is the previous event's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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
    func,
    insert,
    select,
    update,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.money import ZERO
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write
from ledger.schemes import pinned
from ledger.schemes.scheme import surplus

FIGURES = ("allocated", "available", "weekly_support", "threshold", "reclaimable")


def decided(weeks: int | None, start: date, end: date, event: ev.BudgetEvent) -> dict[str, Any]:
    """The scheme's surplus answer after `event`, as row parameters."""
    figures = event.figures
    answer = surplus(weeks, figures.allocated, figures.available, start, end)
    return {
        "id": str(event.originator_id),
        "version": event.originator_version,
        "status": str(figures.status),
        "f_allocated": to_pence(figures.allocated),
        "f_available": to_pence(figures.available),
        "f_weekly_support": to_pence(answer.weekly_support if answer else ZERO),
        "f_threshold": to_pence(answer.threshold if answer else ZERO),
        "f_reclaimable": to_pence(answer.reclaimable if answer else ZERO),
    }


class SurplusProjection(ReadModelProjection):
    name = "surplus"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: each budget's (weeks, period start, period end): fixed at opening, so a cache of the row
        self.terms: dict[str, tuple[int | None, date, date]] = {}

    def writes(self, event: Any, tracking: Tracking) -> list[Write]:  # type: ignore[override]
        if isinstance(event, ev.BudgetOpened):
            weeks = pinned(event.scheme).surplus_weeks
            self.terms[str(event.originator_id)] = (weeks, event.period_start, event.period_end)
            row = {
                "seq": tracking.notification_id,
                "reference": event.reference,
                "family_ref": event.family_ref,
                "scheme_id": pinned(event.scheme).id,
                "weeks": weeks,
                "period_start": event.period_start.isoformat(),
                "period_end": event.period_end.isoformat(),
            }
            return [("open", {**row, **decided(weeks, event.period_start, event.period_end, event)})]
        if isinstance(event, ev.BudgetEvent):
            terms = self.terms.get(str(event.originator_id)) or self._stored_terms(str(event.originator_id))
            return [("figures", decided(*terms, event=event))] if terms else []
        return []

    def _stored_terms(self, budget_id: str) -> tuple[int | None, date, date] | None:
        """After a restart the cache is empty: the row opened in an earlier, committed transaction."""
        b = self.view.budgets
        rows = self.view.select(
            select(b.c.weeks, b.c.period_start, b.c.period_end).where(b.c.budget_id == budget_id)
        )
        if not rows:
            return None
        row = rows[0]
        terms = (row["weeks"], date.fromisoformat(row["period_start"]), date.fromisoformat(row["period_end"]))
        self.terms[budget_id] = terms
        return terms


class SurplusQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}surplus_budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("seq", BigInteger, nullable=False, index=True),
            Column("reference", Text, nullable=False),
            Column("family_ref", Text, nullable=False),
            Column("scheme_id", Text, nullable=False),
            Column("weeks", Integer),
            Column("period_start", Text, nullable=False),
            Column("period_end", Text, nullable=False),
            Column("status", Text, nullable=False),
            Column("version", Integer, nullable=False),
            *(Column(name, BigInteger, nullable=False) for name in FIGURES),
        )

    def statements(self) -> Mapping[str, Executable]:
        b = self.budgets
        figures: dict[str, Any] = {"status": bindparam("status"), "version": bindparam("version")}
        figures |= {name: bindparam(f"f_{name}") for name in FIGURES}
        identity = ("seq", "reference", "family_ref", "scheme_id", "weeks", "period_start", "period_end")
        return {
            "open": insert(b).values(
                budget_id=bindparam("id"), **{c: bindparam(c) for c in identity}, **figures
            ),
            "figures": update(b).where(b.c.budget_id == bindparam("id")).values(**figures),
        }

    @kept
    def surplus(self) -> dict[str, Any]:
        """Budgets with money the scheme calls reclaimable, largest first, and their totals."""
        b = self.budgets
        rows = self.select(select(b).where(b.c.reclaimable > 0).order_by(b.c.reclaimable.desc(), b.c.seq))
        budgets = [
            {
                "id": r["budget_id"],
                "reference": r["reference"],
                "family_ref": r["family_ref"],
                "scheme": r["scheme_id"],
                "surplus_weeks": r["weeks"],
                "period_start": r["period_start"],
                "period_end": r["period_end"],
                "status": r["status"],
                **{name: from_pence(r[name]) for name in FIGURES},
            }
            for r in rows
        ]
        families = self.select(
            select(func.count(func.distinct(b.c.family_ref)).label("n")).where(b.c.reclaimable > 0)
        )[0]["n"]
        totals = {
            "budgets": len(budgets),
            "families": int(families),
            "available": sum((r["available"] for r in budgets), ZERO),
            "reclaimable": sum((r["reclaimable"] for r in budgets), ZERO),
        }
        return {"budgets": budgets, "totals": totals}


class SQLiteSurplusView(SurplusQueries, SQLiteReadView):
    pass


class PostgresSurplusView(SurplusQueries, PostgresReadView):
    pass
