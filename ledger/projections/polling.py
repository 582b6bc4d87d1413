"""The SQLite bridge: a polling subscription, so the library's `ProjectionRunner` works on SQLite.

The library's SQLite recorder cannot `subscribe()` (PostgreSQL uses LISTEN/NOTIFY).
SQLite serialises writers, so rowid order is commit order and polling
`select_notifications` after the last seen id never skips an event. This recorder
adds exactly that and nothing else; it passes the library's own subscription test.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from eventsourcing.persistence import ApplicationRecorder, Notification, Subscription
from eventsourcing.sqlite import SQLiteApplicationRecorder

POLL_SECONDS = 0.05
BATCH = 500


class PollingSubscription(Subscription[SQLiteApplicationRecorder]):
    def __init__(
        self, recorder: SQLiteApplicationRecorder, gt: int | None = None, topics: Sequence[str] = ()
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._batch: list[Notification] = []
        self._stopped = threading.Event()

    def stop(self) -> None:
        super().stop()
        self._stopped.set()

    def __next__(self) -> Notification:
        while not self._batch:
            if self._has_been_stopped:
                raise StopIteration
            self._batch = list(
                self._recorder.select_notifications(
                    start=self._last_notification_id or 0,
                    limit=BATCH,
                    topics=self._topics,
                    inclusive_of_start=False,
                )
            )
            if not self._batch:
                self._stopped.wait(POLL_SECONDS)
        if self._has_been_stopped:
            raise StopIteration
        notification = self._batch.pop(0)
        self._last_notification_id = notification.id
        return notification


class PollingSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(recorder=self, gt=gt, topics=topics)  # type: ignore[return-value]


__all__ = ["PollingSQLiteApplicationRecorder", "PollingSubscription"]
