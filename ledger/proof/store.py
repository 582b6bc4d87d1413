"""Reading the event store in its global order, in batches, straight from the recorder."""

from __future__ import annotations

from collections.abc import Iterator

from eventsourcing.persistence import Notification

from ledger.application import Ledger

BATCH = 2_000


def stored_events(app: Ledger, after: int = 0, stop: int | None = None) -> Iterator[Notification]:
    """Every stored event with a position above `after` (and not above `stop`), in position order."""
    start = after
    while batch := app.recorder.select_notifications(
        start=start, limit=BATCH, stop=stop, inclusive_of_start=False
    ):
        yield from batch
        start = batch[-1].id


def head_position(app: Ledger) -> int:
    return app.recorder.max_notification_id() or 0
