"""Read-model views on the library's tracking recorders, for SQLite and PostgreSQL.

A read model is its table definitions plus a pure function from an event to a
list of SQL writes (`Write`). The view runs those writes and records the
tracking position in ONE transaction (`apply`), so each event is applied exactly
once and a crash resumes after the last committed event. SQL is written once
with `:name` parameters and `{p}` before table names; each dialect adapts it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL

from ledger.application import Ledger

Write = tuple[str, dict[str, Any]]
ASYNC_COMMIT = SQL("SET LOCAL synchronous_commit TO OFF")
_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """`:name` (sqlite3) to `%(name)s` (psycopg)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class ReadView:
    """What every read-model view offers, whichever the store."""

    TABLES: ClassVar[Sequence[str]] = ()

    def apply(self, writes: Sequence[Write], tracking: Tracking) -> None:
        raise NotImplementedError

    def select(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def position(self, application_name: str = Ledger.name) -> int:
        return self.max_tracking_id(application_name) or 0  # type: ignore[attr-defined]


class ReadModelProjection(Projection[Any]):
    """A projection whose whole effect is `writes(event, tracking)`, applied with the tracking."""

    @staticmethod
    def writes(event: Any, tracking: Tracking) -> list[Write]:
        raise NotImplementedError

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply(self.writes(domain_event, tracking), tracking)


class SQLiteReadView(SQLiteTrackingRecorder, ReadView):
    def construct_create_table_statements(self) -> list[str]:
        tables = [t.format(p="", n="") for t in self.TABLES]
        return [*super().construct_create_table_statements(), *tables]

    def apply(self, writes: Sequence[Write], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            for sql, params in writes:
                c.execute(sql.format(p=""), params)
            self._insert_tracking(c, tracking)

    def select(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql.format(p=""), params or {})
            return [dict(row) for row in c.fetchall()]


class PostgresReadView(PostgresTrackingRecorder, ReadView):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # tables are named after the tracking table: one set per projection (and generation)
        stem = self.tracking_table_name.removesuffix("_tracking")
        self.prefix = f'"{self.datastore.schema}".{stem}_'
        self.bare_prefix = f"{stem}_"
        for table in self.TABLES:
            ddl = table.format(p=self.prefix, n=self.bare_prefix)
            self.sql_create_statements.append(SQL(ddl))  # type: ignore[arg-type]

    def apply(self, writes: Sequence[Write], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            # Pipelined: the writes go out without waiting for each answer. Durability of a
            # read model's tail is not needed (rows and tracking commit together, so a lost
            # tail is re-applied after a crash), hence asynchronous commit.
            with curs.connection.pipeline():
                curs.execute(ASYNC_COMMIT, prepare=True)
                for sql, params in writes:
                    curs.execute(to_pyformat(sql.format(p=self.prefix)), params)
            # outside the pipeline: the tracking insert reads back its RETURNING row
            self._insert_tracking(curs, tracking)

    def select(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(to_pyformat(sql.format(p=self.prefix)), params or {})
            return [dict(row) for row in curs.fetchall()]
