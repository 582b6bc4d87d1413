"""Which generation of each read model's tables is live.

A rebuild fills a new generation from zero while readers keep using the live
one, then flips this pointer once the new tables have caught up. The pointer is
one row per projection, kept beside the read models (a small SQLite file next
to the ledger's, or a table in the PostgreSQL schema).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg
from psycopg import sql

from ledger.ops.tables import creation_lock
from ledger.store import persistence_env


class Generations:
    def __init__(self, url: str) -> None:
        self.env = persistence_env(url)
        self.is_sqlite = self.env["PERSISTENCE_MODULE"].endswith("sqlite")
        if self.is_sqlite:
            db = self.env["SQLITE_DBNAME"]
            self.path = ":memory:" if db == ":memory:" else str(Path(db).with_suffix(".readside.db"))
        else:
            schema = self.env.get("POSTGRES_SCHEMA", "public")
            self.table = sql.Identifier(schema, "readside_generations")
            self.conninfo = psycopg.conninfo.make_conninfo(
                dbname=self.env["POSTGRES_DBNAME"],
                host=self.env["POSTGRES_HOST"],
                port=self.env["POSTGRES_PORT"],
                user=self.env["POSTGRES_USER"],
                password=self.env["POSTGRES_PASSWORD"] or None,
                connect_timeout=self.env["POSTGRES_CONNECT_TIMEOUT"],
            )
        self._made = False  # the table is made on first use, so a store that is down at start is no failure

    def _execute(self, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        if not self._made:
            with creation_lock(self.env):  # every ledger creates tables under one lock
                self._run("CREATE TABLE IF NOT EXISTS {t} (projection TEXT PRIMARY KEY, generation INTEGER)")
            self._made = True
        return self._run(statement, params)

    def _run(self, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        if self.is_sqlite:
            with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
                return conn.execute(statement.format(t="readside_generations"), params).fetchall()
        query = sql.SQL(statement.replace("?", "%s")).format(t=self.table)
        with psycopg.connect(self.conninfo, autocommit=True) as pg:
            cursor = pg.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def live(self, projection: str) -> int:
        return self.all_live().get(projection, 1)

    def all_live(self) -> dict[str, int]:
        """Every projection's live generation (those never rebuilt are at 1)."""
        rows = self._execute("SELECT projection, generation FROM {t}")
        return {str(name): int(generation) for name, generation in rows}  # type: ignore[call-overload]

    def switch(self, projection: str, generation: int) -> None:
        self._execute(
            "INSERT INTO {t} (projection, generation) VALUES (?, ?) ON CONFLICT (projection) "
            "DO UPDATE SET generation = excluded.generation",
            (projection, generation),
        )
