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
transaction back; a lost connection raises `OperationalError` and is retried ten
times, 0.2 s apart, through the same guarded pool (`ledger.ops.breaker`).

Unlike the library, a retry first asks whether the failed try committed: a
connection lost after the batch went out may have lost only the reply to
`COMMIT`, and inserting again would then meet the save's own rows and report a
lost race for a save that was made (a command decided twice, or refused for what
it just did). So before each retry the rows at the save's keys are read: all
there with the same topic and state, the save was made and its notification ids
are the answer; none there, it is tried again; some there or different, another
writer took those versions (`IntegrityError`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from ledger.ops.group_commit import Insert

MAX_ATTEMPTS, WAIT = 10, 0.2  # the library's retry of a lost connection


def pipelined_insert(recorder: Any) -> Insert:
    """`recorder.insert_events`, in one round trip when `recorder` is the library's PostgreSQL one.

    Exactly that class: a subclass (the process recorder, which writes tracking
    records in the same transaction) keeps its own insert.
    """
    if type(recorder) is not PostgresApplicationRecorder or recorder.datastore.enable_db_functions:
        return recorder.insert_events  # type: ignore[no-any-return]
    datastore = recorder.datastore
    select_rows = SQL(
        "SELECT t.originator_id, t.originator_version, t.topic, t.state, t.notification_id"
        " FROM {schema}.{table} t JOIN unnest(%s::{id_type}[], %s::bigint[]) AS k(id, v)"
        " ON t.originator_id = k.id AND t.originator_version = k.v"
    ).format(
        schema=Identifier(datastore.schema),
        table=Identifier(recorder.events_table_name),
        id_type=Identifier(datastore.originator_id_type),
    )

    def insert_once(stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
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

    def committed(stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        """The notification ids of `stored_events` if a failed try stored them all; None if it stored none."""
        with datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                select_rows,
                ([e.originator_id for e in stored_events], [e.originator_version for e in stored_events]),
            )
            rows = {(r["originator_id"], r["originator_version"]): r for r in curs.fetchall()}
        if not rows:
            return None
        found = [rows.get((e.originator_id, e.originator_version)) for e in stored_events]
        if all(r is not None and r["topic"] == e.topic and bytes(r["state"]) == e.state
               for r, e in zip(found, stored_events, strict=True)):  # fmt: skip
            return [r["notification_id"] for r in found if r is not None]
        raise IntegrityError("another writer stored some of these versions")

    def insert(stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        if not stored_events:
            return []
        failed: Exception | None = None
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(WAIT * (1 + 0.1 * (random.random() - 0.5)))
            try:
                if failed is not None:  # the failed try may have committed before its reply was lost
                    ids = committed(stored_events)
                    if ids is not None:
                        return ids
                return insert_once(stored_events)
            except (InterfaceError, OperationalError) as e:
                failed = e
        assert failed is not None
        raise failed

    return insert
