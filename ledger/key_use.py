"""When each API key was last used, to the day: a side table, not events.

An administrator needs to see idle keys (to revoke them); a read must not become
a write. So a key's use is written at most once a day per key and process (a
cache of the day last written), into a small table beside the events rather than
as events: noting use is not a business fact, and as events it would move the
ledger's log position (and every read model's lag) on a key's first read each day.
Opened lazily and closed before the store, like the access log.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from ledger.access_log import AccessLogClosed
from ledger.ops.tables import creation_lock_statement


class KeyUse:
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.postgres = hasattr(datastore, "schema")
        self.dialect: Any = (
            postgresql.psycopg.dialect() if self.postgres else sqlite.dialect(paramstyle="named")
        )
        self.table = Table(
            "key_use",
            MetaData(schema=datastore.schema if self.postgres else None),
            Column("key_id", Text, primary_key=True),
            Column("last_used_on", Text, nullable=False),
        )
        self._noted: dict[str, date] = {}
        self._ready = False
        self._closed = False
        self._lock = threading.Lock()

    def note(self, key_id: str, on: date) -> bool:
        """Record that `key_id` was used on `on`; True if this wrote (once a day per key and process)."""
        if self._noted.get(key_id) == on:
            return False
        insert = postgresql.insert if self.postgres else sqlite.insert
        statement = insert(self.table).values(key_id=key_id, last_used_on=on.isoformat())
        statement = statement.on_conflict_do_update(
            index_elements=["key_id"], set_={"last_used_on": statement.excluded.last_used_on}
        )
        self._run(statement)
        self._noted[key_id] = on
        return True

    def last_used(self) -> dict[str, date]:
        rows = self._run(select(self.table.c.key_id, self.table.c.last_used_on), fetch=True)
        return {row["key_id"]: date.fromisoformat(row["last_used_on"]) for row in rows}

    def close(self) -> None:
        with self._lock:
            self._closed = True

    def _run(self, statement: Any, fetch: bool = False) -> list[dict[str, Any]]:
        compiled = statement.compile(dialect=self.dialect)
        with self._lock:
            if self._closed:
                raise AccessLogClosed("the ledger is closed")
            with self.datastore.transaction(commit=True) as cursor:
                if not self._ready:
                    if self.postgres:  # processes starting together on a fresh schema take turns
                        cursor.execute(creation_lock_statement(self.datastore.schema))
                    cursor.execute(
                        str(CreateTable(self.table, if_not_exists=True).compile(dialect=self.dialect))
                    )
                    self._ready = True
                cursor.execute(str(compiled), compiled.construct_params())
                return [dict(row) for row in cursor.fetchall()] if fetch else []
