"""Making a checkpoint: seal the fingerprints of every event since the last one, then mark the spot.

The events up to the store's current head are read once; their fingerprints are
sealed in segments of `SEGMENT` events (each segment one event of the `Checkpoints`
aggregate, so no stored event grows with the ledger), and the checkpoint records
the running hash at the head. Everything is saved in one transaction; a second
checkpoint made at the same moment loses the optimistic race and is retried.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.access import Action, authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.checkpoints import CHECKPOINTS_ID, Checkpoint, Checkpoints
from ledger.application import Ledger
from ledger.idempotency import Once, records
from ledger.proof.rule import GENESIS, fingerprint, link, short
from ledger.proof.store import head_position, stored_events

SEGMENT = 10_000
ATTEMPTS = 5


def load_checkpoints(app: Ledger) -> Checkpoints:
    """The ledger's checkpoints, or a fresh (unsaved) book when none was ever made."""
    try:
        book: Any = app.repository.get(CHECKPOINTS_ID)
    except AggregateNotFoundError:
        return Checkpoints()
    assert isinstance(book, Checkpoints)
    return book


def list_checkpoints(app: Ledger, actor: Actor) -> list[Checkpoint]:
    authorize(actor, Action.CHECKPOINTS)
    return list(load_checkpoints(app).checkpoints)


def make_checkpoint(app: Ledger, actor: Actor, once: Once | None = None) -> Checkpoint:
    """With `once` (a request's idempotency key) a repeated request answers the first checkpoint."""
    authorize(actor, Action.CHECKPOINTS)
    for _ in range(ATTEMPTS):
        if once:
            once.check(app.repository)
        book = load_checkpoints(app)
        _seal_up_to(app, book, head_position(app))
        running = book.segments[-1].running_hash if book.segments else GENESIS
        book.make(book.sealed_to, running, datetime.now(UTC), actor.id)
        try:
            app.save(book, *records(once, book, book.checkpoints[-1]))
        except IntegrityError:
            continue
        return book.checkpoints[-1]
    raise errors.ConcurrentUpdate("checkpoints kept being made at the same time; try again")


def _seal_up_to(app: Ledger, book: Checkpoints, head: int) -> None:
    running = book.segments[-1].running_hash if book.segments else GENESIS
    positions: list[int] = []
    prints: list[str] = []
    for n in stored_events(app, after=book.sealed_to, stop=head):
        print_ = fingerprint(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        running = link(running, print_)
        positions.append(n.id)
        prints.append(short(print_))
        if len(positions) == SEGMENT:
            book.seal(positions, "".join(prints), running)
            positions, prints = [], []
    if positions:
        book.seal(positions, "".join(prints), running)
