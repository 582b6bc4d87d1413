"""Setting and listing funding envelopes (the singleton `Envelopes` aggregate in the ledger).

Commissioners and admins set envelopes (`envelopes` in `ledger.access`); whoever
may read the portfolio (or set envelopes) may list them. A lost concurrency race
is retried on a fresh load, like the budgets' commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.access import authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.envelopes import ENVELOPES_ID, Envelope, Envelopes
from ledger.application import MAX_ATTEMPTS, Ledger
from ledger.idempotency import Once, records


@dataclass(frozen=True)
class EnvelopeOutcome:
    envelope: Envelope
    position: int  # notification id of the EnvelopeSet event, for read-your-writes


def load_envelopes(service: Ledger) -> Envelopes:
    """The envelopes aggregate, or a new (unsaved) one if none was ever set."""
    try:
        found: Any = service.repository.get(ENVELOPES_ID)
    except AggregateNotFoundError:
        return Envelopes()
    assert isinstance(found, Envelopes)
    return found


def set_envelope(
    service: Ledger,
    actor: Actor,
    stream: str,
    year: int,
    amount: Decimal,
    reason: str,
    once: Once | None = None,
) -> EnvelopeOutcome:
    """Publish the envelope of `stream` for financial `year`, superseding any earlier one.

    With `once` (a request's idempotency key) a repeated request is answered from its record.
    """
    authorize(actor, "envelopes")
    for _ in range(MAX_ATTEMPTS):
        if once:
            once.check(service.repository)
        envelopes = load_envelopes(service)
        envelopes.set(actor, stream, year, amount, reason)
        found = envelopes.envelope(stream, year)
        assert found is not None
        try:
            recordings = service.save(envelopes, *records(once, envelopes, found))
        except IntegrityError:  # another writer set an envelope (or created the aggregate) first
            continue
        return EnvelopeOutcome(found, recordings[-1].notification.id)
    raise errors.ConcurrentUpdate("the envelopes kept changing; try again")


def list_envelopes(service: Ledger, actor: Actor, year: int | None = None) -> list[Envelope]:
    """Every current envelope (of `year`, if given), by year then stream."""
    try:
        authorize(actor, "envelopes")
    except errors.Forbidden:
        authorize(actor, "analytics_portfolio")
    listing = load_envelopes(service).listing()
    return [e for e in listing if year is None or e.year == year]
