"""Monitoring: returns awaiting a decision, gated instalments waiting on a return, discrepancies.

Per budget it keeps the monitoring returns (period, declared amount, status,
when submitted and decided), the instalments (amount, due date, gated, status),
every real spend as a signed fact (a reversal carries what it reverses, so it
adds the same fact negated), and what the budget's own figures say about the
gate (`Figures.waiting_at_gate`, `Figures.gate_return_status`). So

- a return is *waiting* while it is submitted and not yet accepted or queried
  (`days_waiting` counts from the UTC date it was submitted to `today`);
- a gated instalment is *gated_waiting* when the budget's figures list it as
  waiting at the gate (the aggregate applies its gate rule; this model copies);
- it is *overdue* as `ledger.aggregates.figures.days_overdue` says;
- a return's *discrepancy* is its declared spend minus the net recorded real spends
  whose service date lies within the return's period; only returns where the two
  differ are listed.

Closed budgets drop out of the waiting list; their discrepancies stay, as history.

Overnight nights (issue 10): an event whose figures carry `nights_warnings` (the
thresholds of the budget's scheme that the child is within warning distance of,
or past, as the aggregate counted them) replaces the budget's warnings; the
answer lists those for the period and for the month of `today`, copied as they
are. Events recorded before the figure existed carry none, so a budget's warnings
appear with its next event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.aggregates.figures import days_overdue
from ledger.aggregates.vocabulary import BudgetStatus, InstalmentStatus, ReturnStatus
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write
from ledger.schemes import pinned


def _id(event: Any) -> str:
    return str(event.originator_id)


def _at(event: Any) -> str:
    return str(event.timestamp.isoformat())


def gate_params(event: ev.BudgetEvent) -> dict[str, Any]:
    figures = event.figures
    return {
        "id": _id(event),
        "status": str(figures.status),
        "waiting": ",".join(str(n) for n in figures.waiting_at_gate),
        "gate_return_status": figures.gate_return_status,
    }


@singledispatch
def event_writes(event: Any) -> list[Write]:
    return []


def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    """The event's own rows, then the budget's gate as its figures say (the opening inserts it)."""
    own = event_writes(event)
    if isinstance(event, ev.BudgetEvent) and not isinstance(event, ev.BudgetOpened):
        own.append(("gate", gate_params(event)))
    if isinstance(event, ev.BudgetEvent) and event.figures.nights_warnings is not None:
        own += nights_writes(event)
    return own


def nights_writes(event: ev.BudgetEvent) -> list[Write]:
    warnings = event.figures.nights_warnings or []
    rows = [
        {
            "id": _id(event),
            "per": w["per"],
            "month": w["month"] or "",
            "threshold": w["threshold"],
            "counted": to_pence(w["counted"]),
            "past": bool(w["past"]),
        }
        for w in warnings
    ]
    return [("unwarn", {"id": _id(event)}), *(("warn", row) for row in rows)]


@event_writes.register
def _(event: ev.BudgetOpened) -> list[Write]:
    return [("open", {**gate_params(event), "reference": event.reference}), *due_writes(event)]


@event_writes.register
def _(event: ev.MonitoringReturnSubmitted) -> list[Write]:
    params = {
        "id": _id(event),
        "rid": event.return_id,
        "period_start": event.period_start.isoformat(),
        "period_end": event.period_end.isoformat(),
        "declared": to_pence(event.declared_spent),
        "at": _at(event),
        "version": event.originator_version,
    }
    met = [
        ("meet", {"id": _id(event), "rid": event.return_id, "end": end.isoformat()})
        for end in event.meets or []
    ]
    return [("submit", params), *met]


@event_writes.register
def _(event: ev.MonitoringReturnAccepted) -> list[Write]:
    return [
        (
            "decide",
            {"id": _id(event), "rid": event.return_id, "status": ReturnStatus.ACCEPTED, "at": _at(event)},
        )
    ]


@event_writes.register
def _(event: ev.MonitoringReturnQueried) -> list[Write]:
    return [
        (
            "decide",
            {"id": _id(event), "rid": event.return_id, "status": ReturnStatus.QUERIED, "at": _at(event)},
        ),
        ("unmeet", {"id": _id(event), "rid": event.return_id}),
    ]


@event_writes.register
def _(event: ev.InstalmentScheduled) -> list[Write]:
    params = {
        "id": _id(event),
        "number": event.number,
        "amount": to_pence(event.amount),
        "due_on": event.due_on.isoformat(),
        "gated": event.gated,
    }
    return [("schedule", params)]


@event_writes.register
def _(event: ev.InstalmentReleased) -> list[Write]:
    return [("instalment", {"id": _id(event), "number": event.number, "status": InstalmentStatus.RELEASED})]


@event_writes.register
def _(event: ev.InstalmentCancelled) -> list[Write]:
    return [("instalment", {"id": _id(event), "number": event.number, "status": InstalmentStatus.CANCELLED})]


def _fact(event: ev.SpendRecorded | ev.SpendReversed, sign: int) -> Write:
    params = {
        "id": _id(event),
        "spend_id": event.spend_id,
        "kind": "reversed" if sign < 0 else "recorded",
        "service_date": event.service_date.isoformat(),
        "amount": sign * to_pence(event.amount),
    }
    return ("fact", params)


@event_writes.register
def _(event: ev.SpendRecorded) -> list[Write]:
    return [_fact(event, 1)]


@event_writes.register
def _(event: ev.SpendReversed) -> list[Write]:
    return [_fact(event, -1)]


# --- budget schemes: returns due by the scheme's schedule, for every budget -------------------
def due_writes(event: ev.BudgetOpened) -> list[Write]:
    """The monitoring periods of the scheme the budget pinned, as the scheme computes them."""
    periods = pinned(event.scheme).monitoring_periods(event.period_start, event.period_end)
    return [
        (
            "due",
            {"id": _id(event), "start": start.isoformat(), "end": end.isoformat(), "due_on": due.isoformat()},
        )
        for start, end, due in periods
    ]


class MonitoringProjection(ReadModelProjection):
    name = "monitoring"
    writes = staticmethod(writes_for)


def days_since(day: str, today: date) -> int:
    """Whole days from `day` (ISO) to `today`, never below zero."""
    return max(0, (today - date.fromisoformat(day)).days)


def present_return(row: dict[str, Any]) -> dict[str, Any]:
    declared, recorded = from_pence(row["declared"]), from_pence(row["recorded"])
    return {
        "budget_id": row["budget_id"],
        "reference": row["reference"],
        "return_id": row["return_id"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "status": row["status"],
        "submitted_at": row["submitted_at"],
        "decided_at": row["decided_at"],
        "declared": declared,
        "recorded": recorded,
        "difference": declared - recorded,
    }


def present_instalment(row: dict[str, Any], today: date) -> dict[str, Any]:
    late = days_overdue(date.fromisoformat(row["due_on"]), today)
    return {
        "budget_id": row["budget_id"],
        "reference": row["reference"],
        "number": row["number"],
        "amount": from_pence(row["amount"]),
        "due_on": row["due_on"],
        # None: no return since the last release; "submitted": awaiting a decision; "queried"
        "latest_return_status": row["gate_return_status"],
        "days_overdue": max(0, late or 0),
        "overdue": late is not None,
    }


class MonitoringQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("reference", Text, nullable=False),
            Column("status", Text, nullable=False),
            Column("waiting", Text, nullable=False),
            Column("gate_return_status", Text),
        )
        self.returns = Table(
            f"{prefix}returns",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("return_id", Text, primary_key=True),
            Column("period_start", Text, nullable=False),
            Column("period_end", Text, nullable=False),
            Column("declared", BigInteger, nullable=False),
            Column("status", Text, nullable=False),
            Column("submitted_at", Text, nullable=False),
            Column("submitted_version", Integer, nullable=False),
            Column("decided_at", Text),
        )
        self.instalments = Table(
            f"{prefix}instalments",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("number", Integer, primary_key=True),
            Column("amount", BigInteger, nullable=False),
            Column("due_on", Text, nullable=False),
            Column("gated", Boolean, nullable=False),
            Column("status", Text, nullable=False),
        )
        self.dues = Table(
            f"{prefix}dues",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("period_end", Text, primary_key=True),
            Column("period_start", Text, nullable=False),
            Column("due_on", Text, nullable=False),
            Column("met_by", Text),
        )
        self.facts = Table(
            f"{prefix}facts",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("spend_id", Text, primary_key=True),
            Column("kind", Text, primary_key=True),
            Column("service_date", Text, nullable=False),
            Column("amount", BigInteger, nullable=False),
        )
        self.nights = Table(
            f"{prefix}nights",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("per", Text, primary_key=True),
            Column("month", Text, primary_key=True),  # "" for the period
            Column("threshold", Integer, nullable=False),
            Column("counted", BigInteger, nullable=False),  # hundredths of a night
            Column("past", Boolean, nullable=False),
        )

    def statements(self) -> Mapping[str, Executable]:
        b, r, i, f = self.budgets, self.returns, self.instalments, self.facts
        gate: dict[str, Any] = {
            "status": bindparam("status"),
            "waiting": bindparam("waiting"),
            "gate_return_status": bindparam("gate_return_status"),
        }
        return {
            "open": insert(b).values(budget_id=bindparam("id"), reference=bindparam("reference"), **gate),
            "gate": update(b).where(b.c.budget_id == bindparam("id")).values(**gate),
            "submit": insert(r).values(
                budget_id=bindparam("id"),
                return_id=bindparam("rid"),
                period_start=bindparam("period_start"),
                period_end=bindparam("period_end"),
                declared=bindparam("declared"),
                status=ReturnStatus.SUBMITTED.value,
                submitted_at=bindparam("at"),
                submitted_version=bindparam("version"),
            ),
            "decide": update(r)
            .where(and_(r.c.budget_id == bindparam("id"), r.c.return_id == bindparam("rid")))
            .values(status=bindparam("status"), decided_at=bindparam("at")),
            "schedule": insert(i).values(
                budget_id=bindparam("id"),
                number=bindparam("number"),
                amount=bindparam("amount"),
                due_on=bindparam("due_on"),
                gated=bindparam("gated"),
                status=InstalmentStatus.SCHEDULED.value,
            ),
            "instalment": update(i)
            .where(and_(i.c.budget_id == bindparam("id"), i.c.number == bindparam("number")))
            .values(status=bindparam("status")),
            "fact": insert(f).values(
                budget_id=bindparam("id"),
                spend_id=bindparam("spend_id"),
                kind=bindparam("kind"),
                service_date=bindparam("service_date"),
                amount=bindparam("amount"),
            ),
            **self.due_statements(),
            "unwarn": delete(self.nights).where(self.nights.c.budget_id == bindparam("id")),
            "warn": insert(self.nights).values(
                budget_id=bindparam("id"),
                per=bindparam("per"),
                month=bindparam("month"),
                threshold=bindparam("threshold"),
                counted=bindparam("counted"),
                past=bindparam("past"),
            ),
        }

    def due_statements(self) -> dict[str, Executable]:
        d = self.dues
        return {
            "due": insert(d).values(
                budget_id=bindparam("id"),
                period_start=bindparam("start"),
                period_end=bindparam("end"),
                due_on=bindparam("due_on"),
            ),
            "meet": update(d)
            .where(
                and_(
                    d.c.budget_id == bindparam("id"), d.c.period_end == bindparam("end"), d.c.met_by.is_(None)
                )
            )
            .values(met_by=bindparam("rid")),
            "unmeet": update(d)
            .where(and_(d.c.budget_id == bindparam("id"), d.c.met_by == bindparam("rid")))
            .values(met_by=None),
        }

    def returns_overdue(self, today: date, budget_id: str | None = None) -> list[dict[str, Any]]:
        """Monitoring periods past their due date with no return accounting for them (open budgets)."""
        b, d = self.budgets, self.dues
        query = (
            select(d.c.budget_id, b.c.reference, d.c.period_start, d.c.period_end, d.c.due_on)
            .join(b, b.c.budget_id == d.c.budget_id)
            .where(
                d.c.met_by.is_(None), d.c.due_on < today.isoformat(), b.c.status != BudgetStatus.CLOSED.value
            )
            .order_by(d.c.due_on, b.c.reference)
        )
        if budget_id is not None:
            query = query.where(d.c.budget_id == budget_id)
        return [{**row, "days_overdue": days_since(row["due_on"], today)} for row in self.select(query)]

    def _returns(self, budget_id: str | None = None) -> list[dict[str, Any]]:
        b, r, f = self.budgets, self.returns, self.facts
        recorded = (
            select(func.coalesce(func.sum(f.c.amount), 0))
            .where(f.c.budget_id == r.c.budget_id)
            .where(f.c.service_date >= r.c.period_start, f.c.service_date <= r.c.period_end)
            .scalar_subquery()
        )
        query = select(r, b.c.reference, b.c.status.label("budget_status"), recorded.label("recorded")).join(
            b, b.c.budget_id == r.c.budget_id
        )
        if budget_id is not None:
            query = query.where(r.c.budget_id == budget_id)
        return self.select(query.order_by(b.c.reference, r.c.submitted_version))

    def _gated_waiting(self, today: date) -> list[dict[str, Any]]:
        b, i = self.budgets, self.instalments
        query = (
            select(i, b.c.reference, b.c.waiting, b.c.gate_return_status)
            .join(b, b.c.budget_id == i.c.budget_id)
            .where(b.c.waiting != "")
        )
        rows = [r for r in self.select(query) if str(r["number"]) in r["waiting"].split(",")]
        rows.sort(key=lambda r: (r["due_on"], r["reference"], r["number"]))
        return [present_instalment(r, today) for r in rows]

    def nights_warnings(self, today: date) -> list[dict[str, Any]]:
        """Open budgets approaching or past an overnight threshold: the period's, and `today`'s month's."""
        b, n = self.budgets, self.nights
        query = (
            select(n, b.c.reference)
            .join(b, b.c.budget_id == n.c.budget_id)
            .where(
                b.c.status != BudgetStatus.CLOSED.value, or_(n.c.month == "", n.c.month == f"{today:%Y-%m}")
            )
            .order_by(b.c.reference, n.c.per, n.c.month)
        )
        return [
            {
                "budget_id": row["budget_id"],
                "reference": row["reference"],
                "per": row["per"],
                "month": row["month"] or None,
                "threshold": row["threshold"],
                "counted": from_pence(row["counted"]),
                "past": bool(row["past"]),
            }
            for row in self.select(query)
        ]

    @kept
    def monitoring(self, today: date) -> dict[str, Any]:
        """Waiting returns, gated instalments waiting on a return, the overdue ones, discrepancies."""
        rows = self._returns()
        waiting = [
            r
            for r in rows
            if r["status"] == ReturnStatus.SUBMITTED and r["budget_status"] != BudgetStatus.CLOSED
        ]
        returns = [present_return(r) for r in rows]
        gated = self._gated_waiting(today)
        return {
            "returns_overdue": self.returns_overdue(today),
            "waiting": [
                {**present_return(r), "days_waiting": days_since(r["submitted_at"][:10], today)}
                for r in waiting
            ],
            "gated_waiting": [{k: v for k, v in g.items() if k != "overdue"} for g in gated],
            "overdue": [{k: v for k, v in g.items() if k != "overdue"} for g in gated if g["overdue"]],
            "discrepancies": [r for r in returns if r["difference"]],
            "nights_warnings": self.nights_warnings(today),
        }

    def budget_monitoring(self, budget_id: str) -> dict[str, Any] | None:
        """One budget: its returns (with recorded and difference), instalments, last accepted return."""
        b, i = self.budgets, self.instalments
        found = self.select(select(b).where(b.c.budget_id == budget_id))
        if not found:
            return None
        returns = [present_return(r) for r in self._returns(budget_id)]
        instalments = self.select(
            select(i.c.number, i.c.amount, i.c.due_on, i.c.gated, i.c.status)
            .where(i.c.budget_id == budget_id)
            .order_by(i.c.number)
        )
        accepted = [r for r in returns if r["status"] == ReturnStatus.ACCEPTED]
        return {
            "budget_id": budget_id,
            "reference": found[0]["reference"],
            "status": found[0]["status"],
            "last_accepted_return": accepted[-1] if accepted else None,
            "returns": returns,
            "instalments": [
                {**row, "amount": from_pence(row["amount"]), "gated": bool(row["gated"])}
                for row in instalments
            ],
        }


class SQLiteMonitoringView(MonitoringQueries, SQLiteReadView):
    pass


class PostgresMonitoringView(MonitoringQueries, PostgresReadView):
    pass
