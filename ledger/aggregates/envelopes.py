"""Funding envelopes: how much each funding stream may allocate in a financial year.

One event-sourced singleton (a fixed id, like the key ring) holds every envelope,
so setting one is on the record (who, when, why) and the portfolio projection
reads them from the same event log as the budgets. A published envelope is never
edited: a new `EnvelopeSet` for the same stream and year supersedes it.

The year is the financial year it starts in: 2026 means 1 April 2026 to 31 March
2027, the year a budget whose period starts on or after 1 April 2026 (and before
1 April 2027) belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.vocabulary import FundingStream, check_choice
from ledger.money import to_non_negative_money

ENVELOPES_ID: UUID = uuid5(NAMESPACE_URL, "https://ledger.invalid/envelopes")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Envelope:
    stream: str
    year: int
    amount: Decimal
    reason: str
    set_by: str
    set_at: datetime


def financial_year(day: date) -> int:
    """The financial year (starting 1 April) that `day` falls in."""
    return day.year if day.month >= 4 else day.year - 1


class Envelopes(Aggregate):
    """Every funding envelope, keyed by stream and year; the newest setting wins."""

    class EnvelopeSet(Aggregate.Event):
        stream: str
        year: int
        amount: Decimal
        reason: str
        actor_id: str
        actor_role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.current[f"{self.stream}:{self.year}"] = Envelope(
                self.stream, self.year, self.amount, self.reason, self.actor_id, self.timestamp
            )

    @staticmethod
    def create_id() -> UUID:
        return ENVELOPES_ID

    def __init__(self) -> None:
        self.current: dict[str, Envelope] = {}

    def set(self, actor: Actor, stream: str, year: int, amount: Decimal, reason: str) -> None:
        check_choice("funding stream", stream, FundingStream)
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise errors.InvalidInput(f"year must be a whole year from {FIRST_YEAR} to {LAST_YEAR}")
        amount = to_non_negative_money(amount)
        require_text("reason", reason)
        self.trigger_event(
            self.EnvelopeSet,
            stream=stream,
            year=year,
            amount=amount,
            reason=reason,
            actor_id=actor.id,
            actor_role=actor.role,
        )

    def envelope(self, stream: str, year: int) -> Envelope | None:
        return self.current.get(f"{stream}:{year}")

    def listing(self) -> list[Envelope]:
        return sorted(self.current.values(), key=lambda e: (e.year, e.stream))
