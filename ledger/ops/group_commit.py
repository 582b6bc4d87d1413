"""Concurrent saves share one durable commit (group commit).

Each save is one transaction, and on PostgreSQL the library's recorder takes
`LOCK TABLE ... IN EXCLUSIVE MODE` in it so that notification ids commit in
order: writers of different budgets queue on that lock, each paying a round
trip and a commit while the others wait. Here the first saver to arrive becomes
the leader and writes its events; savers arriving while it writes wait, and the
next leader writes all of theirs in one transaction, under one lock and one
commit. Every caller is answered only after the transaction holding its events
has committed, so nothing is acknowledged that is not durable.

A batch is all-or-nothing, but callers are not each other's fate: if the
joint insert fails on a uniqueness constraint (one save lost an optimistic
concurrency race, say), each save of the batch is written again on its own, so
only the one that conflicts hears its `IntegrityError` and retries as before.
Any other failure (the store away) is every save's, and each caller hears it.
A save's events stay in one transaction either way, with its idempotency record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger.ops.metrics import GROUP_COMMIT_SIZE

Insert = Callable[[Sequence[StoredEvent]], Sequence[int] | None]


@dataclass(eq=False)
class _Save:
    events: Sequence[StoredEvent]
    done: bool = False
    ids: Sequence[int] | None = None
    error: BaseException | None = None


class GroupCommit:
    """`insert(events)` writes one save's events, sharing the transaction with concurrent saves."""

    def __init__(self, insert: Insert, max_batch: int = 64) -> None:
        self._insert = insert
        self.max_batch = max_batch
        self._cond = threading.Condition()
        self._waiting: list[_Save] = []
        self._writing = False

    def insert(self, events: Sequence[StoredEvent]) -> Sequence[int] | None:
        save = _Save(events)
        with self._cond:
            self._waiting.append(save)
            while not save.done:
                if self._writing:
                    self._cond.wait()
                    continue
                self._writing = True
                batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
                self._cond.release()
                try:
                    self._write(batch)
                finally:
                    self._cond.acquire()
                    self._writing = False
                    self._cond.notify_all()
        if save.error is not None:
            raise save.error
        return save.ids

    def _write(self, batch: list[_Save]) -> None:
        """Write `batch`, then mark every save of it done, with its ids or its error."""
        try:
            GROUP_COMMIT_SIZE.observe(len(batch))
            if len(batch) > 1:
                try:
                    ids = self._insert([e for s in batch for e in s.events])
                except IntegrityError:
                    pass  # written again one by one below, so only the save at fault fails
                else:
                    start = 0
                    for s in batch:
                        s.ids = None if ids is None else list(ids[start : start + len(s.events)])
                        start += len(s.events)
                    return
            for s in batch:
                try:
                    s.ids = self._insert(s.events)
                except IntegrityError as e:  # its own caller raises it, and retries
                    s.error = e
        except Exception as e:  # the store away: every save of the batch hears it, each its own copy
            for s in batch:
                if s.ids is None and s.error is None:
                    s.error = copy(e)
        finally:
            for s in batch:
                s.done = True
