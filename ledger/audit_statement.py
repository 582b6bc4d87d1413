"""A budget's statement by business date: opening balance, the movements in the period, closing balance.

Read from the event store, like the history. Every movement's amount is the change
in the figures the domain stamped on its event (`ledger.aggregates.figures`), not
recomputed here: a release is the rise in `released`, a spend the rise in `spent`,
a reversal its fall, a recovery the rise in `recovered`. So the balance after all
movements is, by construction of the domain, its `available`; the statement says
whether that reconciles with the newest event's figures.

Business dates: a spend is dated by its service date and a reversal by the service
date of the spend it reverses (so spends net out where analytics nets them); a
release by its instalment's due date; a recovery (and anything else) by the day it
was recorded (UTC). Each line also says when it was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.figures import Figures
from ledger.application import Ledger
from ledger.audit import budget_events
from ledger.money import ZERO, total

KINDS = ("release", "spend", "reversal", "recovery", "adjustment")


@dataclass(frozen=True)
class Movement:
    """One change to available funds; `amount` is its signed effect on them."""

    kind: str
    on: date
    amount: Decimal
    version: int
    recorded_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    budget_id: UUID
    reference: str
    date_from: date
    date_to: date
    opening_balance: Decimal
    movements: list[Movement]
    closing_balance: Decimal
    available: Decimal  # the newest event's figures
    balance_of_all_movements: Decimal

    @property
    def reconciled(self) -> bool:
        return self.available == self.balance_of_all_movements

    def of_kind(self, kind: str) -> list[Movement]:
        return [m for m in self.movements if m.kind == kind]

    def total_of(self, kind: str) -> Decimal:
        return total(m.amount for m in self.of_kind(kind))


def _kind(event: Any, before: Figures, after: Figures) -> str | None:
    name = type(event).__name__
    changed = (after.released, after.spent, after.recovered) != (
        before.released,
        before.spent,
        before.recovered,
    )
    kinds = {
        "InstalmentReleased": "release",
        "SpendRecorded": "spend",
        "SpendReversed": "reversal",
        "SurplusRecovered": "recovery",
    }
    if name in kinds and changed:
        return kinds[name]
    return "adjustment" if changed else None  # a future event kind that moves money still shows


def _detail(event: Any) -> dict[str, Any]:
    keys = ("number", "spend_id", "category", "provider", "reason", "dispute_id", "funding_stream")
    return {k: getattr(event, k) for k in keys if getattr(event, k, None) is not None}


def _business_date(event: Any, kind: str, due: dict[int, date]) -> date:
    if kind in ("spend", "reversal"):
        return event.service_date  # type: ignore[no-any-return]
    if kind == "release" and event.number in due:
        return due[event.number]
    return event.timestamp.date()  # type: ignore[no-any-return]


def movements(events: Iterable[Any]) -> tuple[list[Movement], Decimal]:
    """Every money movement of a budget, in recorded order, and `available` after the last event."""
    found: list[Movement] = []
    before: Figures | None = None
    due: dict[int, date] = {}
    for event in events:
        after: Figures = event.figures
        if type(event).__name__ == "InstalmentScheduled":
            due[event.number] = event.due_on
        if before is not None and (kind := _kind(event, before, after)):
            amount = after.available - before.available
            on = _business_date(event, kind, due)
            found.append(
                Movement(kind, on, amount, event.originator_version, event.timestamp, _detail(event))
            )
        before = after
    return found, before.available if before else ZERO


def statement(
    app: Ledger, actor: Actor, budget_id: UUID, date_from: date | None = None, date_to: date | None = None
) -> Statement:
    """The statement from `date_from` to `date_to` inclusive (the budget's period by default)."""
    budget = app.read(actor, budget_id, Action.STATEMENT)
    start = date_from or budget.period_start
    end = date_to or budget.period_end
    if end < start:
        raise errors.InvalidInput("to must not be before from")
    return build_statement(budget_id, budget.reference, budget_events(app, budget_id), start, end)


def build_statement(
    budget_id: UUID, reference: str, events: Iterable[Any], start: date, end: date
) -> Statement:
    """The statement of a budget's `events` (in recorded order) from `start` to `end` inclusive."""
    moved, available = movements(events)
    within = sorted((m for m in moved if start <= m.on <= end), key=lambda m: (m.on, m.version))
    opening = total(m.amount for m in moved if m.on < start)
    closing = opening + total(m.amount for m in within)
    everything = total(m.amount for m in moved)
    return Statement(budget_id, reference, start, end, opening, within, closing, available, everything)
