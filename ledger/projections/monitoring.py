"""Monitoring: returns awaiting a decision, gated instalments waiting on a return, discrepancies.

Per budget it keeps the monitoring returns (period, declared amount, status,
when submitted and decided, and the budget version that submitted each), the
instalments (amount, due date, gated, status), the version of the last release,
and every real spend with its service date (trial spends never count), so that

- a return is *waiting* while it is submitted and not yet accepted or queried
  (`days_waiting` counts from the UTC date it was submitted to `today`);
- a gated instalment is *gated_waiting* while it is scheduled and its budget has no
  accepted return submitted since the last release (the rule the Budget enforces);
- the *overdue* rule: a gated instalment still waiting on a return whose `due_on`
  is today or earlier (`due_on <= today`) is overdue, and its budget's return is
  overdue by `(today - due_on)` days (0 on the due date itself);
- a return's *discrepancy* is its declared spend minus the net recorded real spends
  (reversals excluded) whose service date lies within the return's period; only
  returns where the two differ are listed.

Closed budgets drop out of the waiting, gated and overdue lists; their
discrepancies stay, as history.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.aggregates import events as ev
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import (
    PostgresReadView,
    ReadModelProjection,
    ReadView,
    SQLiteReadView,
    Write,
)

TABLES = (
    "CREATE TABLE IF NOT EXISTS {p}budgets (budget_id TEXT PRIMARY KEY, reference TEXT NOT NULL, "
    "status TEXT NOT NULL, last_release_version INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS {p}returns (budget_id TEXT NOT NULL, return_id TEXT NOT NULL, "
    "period_start TEXT NOT NULL, period_end TEXT NOT NULL, declared BIGINT NOT NULL, "
    "status TEXT NOT NULL, submitted_at TEXT NOT NULL, submitted_version INTEGER NOT NULL, "
    "decided_at TEXT, PRIMARY KEY (budget_id, return_id))",
    "CREATE TABLE IF NOT EXISTS {p}instalments (budget_id TEXT NOT NULL, number INTEGER NOT NULL, "
    "amount BIGINT NOT NULL, due_on TEXT NOT NULL, gated INTEGER NOT NULL, status TEXT NOT NULL, "
    "PRIMARY KEY (budget_id, number))",
    "CREATE TABLE IF NOT EXISTS {p}spends (budget_id TEXT NOT NULL, spend_id TEXT NOT NULL, "
    "service_date TEXT NOT NULL, amount BIGINT NOT NULL, reversed INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (budget_id, spend_id))",
    "CREATE INDEX IF NOT EXISTS {n}spends_by_date ON {p}spends (budget_id, service_date)",
)

SET_RETURN = (
    "UPDATE {p}returns SET status = :status, decided_at = :at WHERE budget_id = :id AND return_id = :rid"
)
STATUS_AFTER = {
    ev.AllocationDecided: "active",
    ev.BudgetSuspended: "suspended",
    ev.BudgetResumed: "active",
    ev.BudgetClosed: "closed",
}
SET_INSTALMENT = "UPDATE {p}instalments SET status = :status WHERE budget_id = :id AND number = :number"


def _id(event: Any) -> str:
    return str(event.originator_id)


def _at(event: Any) -> str:
    return str(event.timestamp.isoformat())


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return []


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    sql = "INSERT INTO {p}budgets (budget_id, reference, status) VALUES (:id, :reference, 'open')"
    return [(sql, {"id": _id(event), "reference": event.reference})]


@writes_for.register(ev.AllocationDecided)
@writes_for.register(ev.BudgetSuspended)
@writes_for.register(ev.BudgetResumed)
@writes_for.register(ev.BudgetClosed)
def _(event: Any, tracking: Tracking) -> list[Write]:
    status = STATUS_AFTER[type(event)]
    sql = "UPDATE {p}budgets SET status = :status WHERE budget_id = :id"
    return [(sql, {"id": _id(event), "status": status})]


@writes_for.register
def _(event: ev.MonitoringReturnSubmitted, tracking: Tracking) -> list[Write]:
    sql = (
        "INSERT INTO {p}returns (budget_id, return_id, period_start, period_end, declared, status, "
        "submitted_at, submitted_version) VALUES (:id, :rid, :period_start, :period_end, :declared, "
        "'submitted', :at, :version)"
    )
    params = {
        "id": _id(event),
        "rid": event.return_id,
        "period_start": event.period_start.isoformat(),
        "period_end": event.period_end.isoformat(),
        "declared": to_pence(event.declared_spent),
        "at": _at(event),
        "version": event.originator_version,
    }
    return [(sql, params)]


@writes_for.register
def _(event: ev.MonitoringReturnAccepted, tracking: Tracking) -> list[Write]:
    return [(SET_RETURN, {"id": _id(event), "rid": event.return_id, "status": "accepted", "at": _at(event)})]


@writes_for.register
def _(event: ev.MonitoringReturnQueried, tracking: Tracking) -> list[Write]:
    return [(SET_RETURN, {"id": _id(event), "rid": event.return_id, "status": "queried", "at": _at(event)})]


@writes_for.register
def _(event: ev.InstalmentScheduled, tracking: Tracking) -> list[Write]:
    sql = (
        "INSERT INTO {p}instalments (budget_id, number, amount, due_on, gated, status) "
        "VALUES (:id, :number, :amount, :due_on, :gated, 'scheduled')"
    )
    params = {
        "id": _id(event),
        "number": event.number,
        "amount": to_pence(event.amount),
        "due_on": event.due_on.isoformat(),
        "gated": int(event.gated),
    }
    return [(sql, params)]


@writes_for.register
def _(event: ev.InstalmentReleased, tracking: Tracking) -> list[Write]:
    last = "UPDATE {p}budgets SET last_release_version = :version WHERE budget_id = :id"
    return [
        (SET_INSTALMENT, {"id": _id(event), "number": event.number, "status": "released"}),
        (last, {"id": _id(event), "version": event.originator_version}),
    ]


@writes_for.register
def _(event: ev.InstalmentCancelled, tracking: Tracking) -> list[Write]:
    return [(SET_INSTALMENT, {"id": _id(event), "number": event.number, "status": "cancelled"})]


@writes_for.register
def _(event: ev.SpendRecorded, tracking: Tracking) -> list[Write]:
    sql = (
        "INSERT INTO {p}spends (budget_id, spend_id, service_date, amount) "
        "VALUES (:id, :spend_id, :service_date, :amount)"
    )
    params = {
        "id": _id(event),
        "spend_id": event.spend_id,
        "service_date": event.service_date.isoformat(),
        "amount": to_pence(event.amount),
    }
    return [(sql, params)]


@writes_for.register
def _(event: ev.SpendReversed, tracking: Tracking) -> list[Write]:
    sql = "UPDATE {p}spends SET reversed = 1 WHERE budget_id = :id AND spend_id = :spend_id"
    return [(sql, {"id": _id(event), "spend_id": event.spend_id})]


class MonitoringProjection(ReadModelProjection):
    name = "monitoring"
    writes = staticmethod(writes_for)


RECORDED = (
    "COALESCE((SELECT SUM(s.amount) FROM {p}spends s WHERE s.budget_id = r.budget_id "
    "AND s.reversed = 0 AND s.service_date >= r.period_start AND s.service_date <= r.period_end), 0)"
)
RETURNS = (
    "SELECT r.budget_id, b.reference, b.status AS budget_status, r.return_id, r.period_start, "
    "r.period_end, r.declared, r.status, r.submitted_at, r.decided_at, "
    f"{RECORDED} AS recorded FROM {{p}}returns r JOIN {{p}}budgets b ON b.budget_id = r.budget_id"
)
#: gated, scheduled, and no accepted return submitted since the budget's last release
GATED_WAITING = (
    "SELECT i.budget_id, b.reference, b.status AS budget_status, i.number, i.amount, i.due_on, "
    "(SELECT r.status FROM {p}returns r WHERE r.budget_id = i.budget_id "
    "AND r.submitted_version > b.last_release_version ORDER BY r.submitted_version DESC LIMIT 1) "
    "AS latest_return_status "
    "FROM {p}instalments i JOIN {p}budgets b ON b.budget_id = i.budget_id "
    "WHERE i.gated = 1 AND i.status = 'scheduled' AND b.status <> 'closed' AND NOT EXISTS "
    "(SELECT 1 FROM {p}returns r WHERE r.budget_id = i.budget_id AND r.status = 'accepted' "
    "AND r.submitted_version > b.last_release_version) ORDER BY i.due_on, b.reference, i.number"
)


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
    return {
        "budget_id": row["budget_id"],
        "reference": row["reference"],
        "number": row["number"],
        "amount": from_pence(row["amount"]),
        "due_on": row["due_on"],
        # None: no return since the last release; "submitted": awaiting a decision; "queried"
        "latest_return_status": row["latest_return_status"],
        "days_overdue": days_since(row["due_on"], today),
    }


class MonitoringQueries(ReadView):
    TABLES = TABLES

    def monitoring(self, today: date) -> dict[str, Any]:
        """Waiting returns, gated instalments waiting on a return, the overdue ones, discrepancies."""
        rows = self.select(f"{RETURNS} ORDER BY b.reference, r.submitted_version")
        waiting = [r for r in rows if r["status"] == "submitted" and r["budget_status"] != "closed"]
        returns = [present_return(r) for r in rows]
        gated = [present_instalment(r, today) for r in self.select(GATED_WAITING)]
        return {
            "waiting": [
                {**present_return(r), "days_waiting": days_since(r["submitted_at"][:10], today)}
                for r in waiting
            ],
            "gated_waiting": gated,
            "overdue": [i for i in gated if i["due_on"] <= today.isoformat()],
            "discrepancies": [r for r in returns if r["difference"]],
        }

    def budget_monitoring(self, budget_id: str) -> dict[str, Any] | None:
        """One budget: its returns (with recorded and difference), instalments, last accepted return."""
        found = self.select("SELECT * FROM {p}budgets WHERE budget_id = :id", {"id": budget_id})
        if not found:
            return None
        rows = self.select(
            f"{RETURNS} WHERE r.budget_id = :id ORDER BY r.submitted_version", {"id": budget_id}
        )
        returns = [present_return(r) for r in rows]
        instalments = self.select(
            "SELECT number, amount, due_on, gated, status FROM {p}instalments WHERE budget_id = :id "
            "ORDER BY number",
            {"id": budget_id},
        )
        accepted = [r for r in returns if r["status"] == "accepted"]
        return {
            "budget_id": budget_id,
            "reference": found[0]["reference"],
            "status": found[0]["status"],
            "last_accepted_return": accepted[-1] if accepted else None,
            "returns": returns,
            "instalments": [
                {**i, "amount": from_pence(i["amount"]), "gated": bool(i["gated"])} for i in instalments
            ],
        }


class SQLiteMonitoringView(MonitoringQueries, SQLiteReadView):
    pass


class PostgresMonitoringView(MonitoringQueries, PostgresReadView):
    pass
