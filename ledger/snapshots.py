"""When the ledger snapshots an aggregate, and from what: spaced with its size, from the aggregate in hand.

A budget's snapshot holds every spend, so it grows with the budget (5.5 MB at
10,000 spends). The library snapshots every `interval` events and builds each
snapshot by loading the aggregate again at that version (decoding the previous
snapshot and replaying the events after it), so at 10,000 spends every 100th
spend decoded one large snapshot and encoded another. Here the aggregate just
saved is snapshotted as it stands (nothing is decoded), and the spacing doubles
each time the version doubles past `GROWTH` intervals: each snapshot then costs
about the same per event whatever the budget's size, and a load with the cache
cold replays at most about an eighth of its events after decoding the snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

#: the spacing is `interval` up to GROWTH intervals, then doubles with each doubling of the version
GROWTH = 8


def spacing(version: int, interval: int) -> int:
    """Events between two snapshots of an aggregate around `version`."""
    step = interval
    while version >= step * GROWTH * 2:
        step *= 2
    return step


def due(versions: Iterable[int], interval: int) -> bool:
    """Whether any of the versions just saved falls on a snapshot."""
    return any(v % spacing(v, interval) == 0 for v in versions)


def take_due_snapshots(app: Any, processing_event: Any) -> None:
    """Snapshot each aggregate just saved whose events reached a snapshot's version."""
    if not app.snapshots or not app.snapshotting_intervals:
        return
    versions: dict[Any, list[int]] = {}
    for event in processing_event.events:
        versions.setdefault(event.originator_id, []).append(event.originator_version)
    for aggregate_id, aggregate in processing_event.aggregates.items():
        interval = app.snapshotting_intervals.get(type(aggregate))
        if interval is not None and due(versions.get(aggregate_id, []), interval):
            snapshot_class = getattr(type(aggregate), "Snapshot", type(app).snapshot_class)
            try:
                app.snapshots.put([snapshot_class.take(aggregate)])
            except Exception:  # the command is recorded: a missing snapshot only costs a longer load
                log.warning("snapshot of %s at %s not taken", aggregate_id, aggregate.version, exc_info=True)
