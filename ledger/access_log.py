"""Who read which family's data, when, by which route: an append-only log beside the events.

A council must answer a subject-access request ("who has looked at my child's
budget?") and a breach question ("what did this key read?"). So every read of one
budget through `Ledger.read` (its state, history, state as it stood, and any route
that reads a budget that way: statements, dispute packs, plans) appends a row here,
whoever reads and through whatever door (the API names its route; the command line
and other callers name what `reading_as` says, else "direct").

The log is a table in the ledger's own store, written through the application's
own connections, so it lives and is backed up with the events. It is append-only
in the database itself: triggers refuse UPDATE, DELETE (and TRUNCATE on
PostgreSQL). It is opened lazily, on the first read, and closed before the store
(`Ledger.close`): a write after that raises `AccessLogClosed` instead of touching a
closed pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from ledger.aggregates.actor import Actor
from ledger.ops.tables import creation_lock_statement

#: the route (or command) on whose behalf the current thread or task reads; set by the API
reading_route: ContextVar[str] = ContextVar("reading_route", default="direct")
TABLE = "access_log"
MAX_ROWS = 10_000


class AccessLogClosed(RuntimeError):
    """The ledger was closed; nothing more is read, so nothing more is logged."""


@dataclass(frozen=True)
class Access:
    at: datetime
    actor_id: str
    actor_role: str
    family_ref: str
    budget_id: str
    route: str


@contextmanager
def reading_as(route: str) -> Iterator[None]:
    """Name the route or command for the reads made inside the block."""
    token = reading_route.set(route)
    try:
        yield
    finally:
        reading_route.reset(token)


class AccessLog:
    """The access log on `datastore` (the ledger recorder's): lazily created, append-only."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.postgres = hasattr(datastore, "schema")
        self.dialect: Any = (
            postgresql.psycopg.dialect() if self.postgres else sqlite.dialect(paramstyle="named")
        )
        metadata = MetaData(schema=datastore.schema if self.postgres else None)
        self.table = Table(
            TABLE,
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("at", Text, nullable=False, index=True),
            Column("actor_id", Text, nullable=False),
            Column("actor_role", Text, nullable=False),
            Column("family_ref", Text, nullable=False, index=True),
            Column("budget_id", Text, nullable=False),
            Column("route", Text, nullable=False),
        )
        self._ready = False
        self._closed = False
        self._lock = threading.Lock()

    def record(self, actor: Actor, budget: Any, route: str | None = None) -> None:
        row = {
            "at": datetime.now(UTC).isoformat(),
            "actor_id": actor.id,
            "actor_role": actor.role,
            "family_ref": budget.family_ref,
            "budget_id": str(budget.id),
            "route": route or reading_route.get(),
        }
        self._run(insert(self.table).values(**row))

    def entries(
        self, family_ref: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[Access]:
        """Reads in order, optionally of one family and from `start` to `end` (both days included)."""
        t = self.table
        query = select(t.c.at, t.c.actor_id, t.c.actor_role, t.c.family_ref, t.c.budget_id, t.c.route)
        if family_ref is not None:
            query = query.where(t.c.family_ref == family_ref)
        if start is not None:
            query = query.where(t.c.at >= datetime.combine(start, time(0), UTC).isoformat())
        if end is not None:
            query = query.where(t.c.at < datetime.combine(end + timedelta(days=1), time(0), UTC).isoformat())
        rows = self._run(query.order_by(t.c.id).limit(MAX_ROWS), fetch=True)
        return [Access(**{**row, "at": datetime.fromisoformat(row["at"])}) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._closed = True

    def _run(self, statement: Any, fetch: bool = False) -> list[dict[str, Any]]:
        compiled = statement.compile(dialect=self.dialect)
        with self._lock:
            if self._closed:
                raise AccessLogClosed("the ledger is closed")
            self._create_once()
            with self.datastore.transaction(commit=not fetch) as cursor:
                cursor.execute(str(compiled), compiled.construct_params())
                return [dict(row) for row in cursor.fetchall()] if fetch else []

    def _create_once(self) -> None:
        if self._ready:
            return
        with self.datastore.transaction(commit=True) as cursor:
            if self.postgres:  # processes starting together on a fresh schema take turns
                cursor.execute(creation_lock_statement(self.datastore.schema))
            for ddl in self._ddl():
                cursor.execute(ddl)
        self._ready = True

    def _ddl(self) -> list[str]:
        t = self.table
        create = [str(CreateTable(t, if_not_exists=True).compile(dialect=self.dialect))]
        create += [str(CreateIndex(i, if_not_exists=True).compile(dialect=self.dialect)) for i in t.indexes]
        refusal = "the access log is append-only"
        if not self.postgres:
            return [
                *create,
                *(
                    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{refusal}'); END"
                    for verb in ("UPDATE", "DELETE")
                ),
            ]
        name = f"{self.datastore.schema}.{TABLE}"
        return [
            *create,
            f"CREATE OR REPLACE FUNCTION {name}_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{refusal}'; END $$",
            f"CREATE OR REPLACE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {name} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_refuse()",
            f"CREATE OR REPLACE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {name} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_refuse()",
        ]
