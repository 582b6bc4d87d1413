"""A save's insert transaction sent to PostgreSQL as one pipelined batch: one round trip, not five.

The library's recorder writes events in a transaction whose statements wait on
the server four times after the pool's pre-ping: `BEGIN`, then the lock, notify
and insert, then an extra pipeline sync, then `COMMIT` (measured with libpq's
protocol trace). Here the same statements (`SET LOCAL lock_timeout`, `LOCK TABLE
... IN EXCLUSIVE MODE`, `NOTIFY`, `INSERT ... RETURNING`), framed by `BEGIN` and
`COMMIT`, go out together and are answered together. The semantics are the
library's: the table lock is held from before the insert until the commit, so
notification ids commit in order; a uniqueness violation (a lost optimistic
concurrency race) raises the library's `IntegrityError` and rolls the
transaction back; a lost connection raises `OperationalError` and is retried as
the library retries it, through the same guarded pool (`ledger.ops.breaker`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

from ledger.ops.group_commit import Insert


def pipelined_insert(recorder: Any) -> Insert:
    """`recorder.insert_events`, in one round trip when `recorder` is the library's PostgreSQL one."""
    if not isinstance(recorder, PostgresApplicationRecorder) or recorder.datastore.enable_db_functions:
        return recorder.insert_events  # type: ignore[no-any-return]
    datastore = recorder.datastore

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert(stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        if not stored_events:
            return []
        with datastore.get_connection() as conn:  # errors become the library's (IntegrityError...)
            curs = conn.cursor()
            try:
                with conn.pipeline():  # sent together; leaving it syncs once and raises any error
                    conn.execute("BEGIN")
                    recorder._insert_stored_events(curs, stored_events)  # lock, notify, insert
                    conn.execute("COMMIT")
            except Exception:
                if not conn.broken and not conn.closed:
                    conn.rollback()  # the failed transaction block, if the failure left one open
                raise
            return recorder._fetch_ids_after_insert_events(curs, stored_events)  # type: ignore[no-any-return]

    return insert
