"""Tampering with the event store behind the ledger's back, as an intruder with database access would.

One `Tamper` per store URL, the same verbs on SQLite (`stored_events`, positions are
rowids, ids 32 hex digits) and PostgreSQL (`ledger_events` in the test's schema).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

SHIFT = 1_000_000_000


class Tamper:
    def __init__(self, store_url: str) -> None:
        self.sqlite = store_url.startswith("sqlite")
        if self.sqlite:
            self.path = store_url.removeprefix("sqlite:///")
            self.table, self.pos = "stored_events", "rowid"
        else:
            self.dsn, schema = store_url.split("?")[0], store_url.split("schema=")[1]
            self.table, self.pos = f"{schema}.ledger_events", "notification_id"

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        if self.sqlite:
            conn = sqlite3.connect(self.path)
            try:
                yield conn
                conn.commit()
            finally:
                conn.close()
        else:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                yield conn

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{t}", self.table).replace("{pos}", self.pos)
        return sql if self.sqlite else sql.replace("?", "%s")

    def _oid(self, budget_id: str | UUID) -> Any:
        return UUID(str(budget_id)).hex if self.sqlite else UUID(str(budget_id))

    def run(self, sql: str, *params: Any) -> list[Any]:
        with self._conn() as conn:
            cursor = conn.execute(self._sql(sql), params)
            return list(cursor.fetchall()) if cursor.description else []

    def position(self, budget_id: str | UUID, version: int) -> int:
        rows = self.run(
            "SELECT {pos} FROM {t} WHERE originator_id = ? AND originator_version = ?",
            self._oid(budget_id),
            version,
        )
        return int(rows[0][0])

    def state(self, position: int) -> bytes:
        return bytes(self.run("SELECT state FROM {t} WHERE {pos} = ?", position)[0][0])

    def write_state(self, position: int, state: bytes) -> None:
        self.run("UPDATE {t} SET state = ? WHERE {pos} = ?", state, position)

    def edit_one_byte(self, position: int) -> None:
        """Change the last digit in the stored JSON to another digit: still JSON, one byte differs."""
        state = bytearray(self.state(position))
        # not the library's `class_version` marker (left out of the hash like the envelope): a field's digit
        marker = bytes(state).rfind(b'"class_version":')
        at = max(i for i, b in enumerate(state) if chr(b).isdigit() and (marker < 0 or i < marker))
        state[at] = ord("7") if state[at] != ord("7") else ord("3")
        self.write_state(position, bytes(state))

    def delete(self, position: int) -> None:
        self.run("DELETE FROM {t} WHERE {pos} = ?", position)

    def delete_budget(self, budget_id: str | UUID) -> None:
        self.run("DELETE FROM {t} WHERE originator_id = ?", self._oid(budget_id))

    def swap(self, first: int, second: int) -> None:
        """Exchange the positions of two events (their order in the ledger)."""
        self.run("UPDATE {t} SET {pos} = ? WHERE {pos} = ?", -1, first)
        self.run("UPDATE {t} SET {pos} = ? WHERE {pos} = ?", first, second)
        self.run("UPDATE {t} SET {pos} = ? WHERE {pos} = ?", second, -1)

    def insert_after(self, position: int, copy_of: int, version: int) -> int:
        """Insert a copy of the event at `copy_of` as `version` of its budget, right after `position`."""
        self.run("UPDATE {t} SET {pos} = {pos} + ? WHERE {pos} > ?", SHIFT, position)
        self.run("UPDATE {t} SET {pos} = {pos} - ? WHERE {pos} > ?", SHIFT - 1, SHIFT)
        self.run(
            "INSERT INTO {t} ({pos}, originator_id, originator_version, topic, state) "
            "SELECT ?, originator_id, ?, topic, state FROM {t} WHERE {pos} = ?",
            position + 1,
            version,
            copy_of + 1 if copy_of > position else copy_of,
        )
        return position + 1
