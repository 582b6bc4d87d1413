"""The keys that seal each budget's free text (`ledger.sealed_text`): a table beside the events.

One live key per budget (a partial unique index makes two racing processes agree
on it); its row names the budget and the family, so an erasure finds every key of
a family at once, with no read model to wait for. Erasing a family clears the key
bytes and stamps `erased_at`; the row stays, so its text reads as erased on that
date. A budget written to after an erasure gets a fresh key: new text after the
erasure is new data, readable until the next erasure.

Keys are not events (events are never rewritten; keys must be destroyable), and
they are never cached across calls: every seal and every answer asks the table,
so a key erased by one server process is unusable by every other at once.

Destroying means the bytes leave the database file, not only the row: SQLite
clears the key with `secure_delete` on and truncates its write-ahead log;
PostgreSQL rewrites the table (`VACUUM FULL`), so no dead row version keeps the
key. Backups and PostgreSQL's own WAL archive still hold it until they expire
(see the README, "Erasure").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Index, MetaData, Table, Text, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from ledger.ops.tables import creation_lock_statement
from ledger.sealed_text import Erased, Key, new_key

TABLE = "text_keys"


class TextKeys:
    """The key table on `datastore` (the ledger recorder's): created on first use."""

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
            Column("key_id", Text, primary_key=True),
            Column("budget_id", Text, nullable=False),
            Column("family_ref", Text, nullable=False, index=True),
            Column("key", Text),  # hex; NULL once erased
            Column("created_at", Text, nullable=False),
            Column("erased_at", Text),
        )
        live = self.table.c.erased_at.is_(None)
        Index(
            f"{TABLE}_one_live_key",
            self.table.c.budget_id,
            unique=True,
            sqlite_where=live,
            postgresql_where=live,
        )
        self._ready = False
        self._lock = threading.Lock()
        # the per-command statements, compiled once: compiling was half of each key look-up
        t = self.table
        self._live = self._compile(
            select(t.c.key_id, t.c.key).where(
                t.c.budget_id == bindparam("budget_id"), t.c.erased_at.is_(None)
            )
        )
        dialect_insert = postgresql.insert if self.postgres else sqlite.insert
        columns = ("key_id", "budget_id", "family_ref", "key", "created_at")
        self._insert = self._compile(
            dialect_insert(t).values({name: bindparam(name) for name in columns}).on_conflict_do_nothing()
        )

    def key_for(self, budget_id: UUID, family_ref: str) -> tuple[str, bytes]:
        """The budget's live key (id and bytes), made and committed first if it has none."""
        live = {"budget_id": str(budget_id)}
        for row in self._execute(self._live, live, fetch=True):
            return row["key_id"], bytes.fromhex(row["key"])
        row = {
            "key_id": uuid4().hex,
            "budget_id": str(budget_id),
            "family_ref": family_ref,
            "key": new_key().hex(),
            "created_at": datetime.now(UTC).isoformat(),
        }
        self._execute(self._insert, row)
        found = self._execute(self._live, live, fetch=True)[0]  # ours, or the one a racing process made first
        return found["key_id"], bytes.fromhex(found["key"])

    def lookup(self, key_ids: Iterable[str]) -> dict[str, Key]:
        """The keys named, live (bytes) or erased (`Erased` with its date); unknown ids are left out."""
        t = self.table
        query = select(t.c.key_id, t.c.key, t.c.erased_at).where(t.c.key_id.in_(sorted(key_ids)))
        return {row["key_id"]: _key(row) for row in self._run(query, fetch=True)}

    def budgets_of(self, family_ref: str) -> set[str]:
        """Every budget whose text was ever sealed for `family_ref`."""
        t = self.table
        rows = self._run(select(t.c.budget_id).where(t.c.family_ref == family_ref), fetch=True)
        return {row["budget_id"] for row in rows}

    def destroy(self, family_ref: str, at: datetime) -> dict[str, int]:
        """Clear every live key of `family_ref`, bytes and all; how many per budget id."""
        t = self.table
        live = (t.c.family_ref == family_ref) & t.c.erased_at.is_(None)
        rows = self._run(select(t.c.budget_id).where(live), fetch=True)
        if rows:
            self._run(update(t).where(live).values(key=None, erased_at=at.isoformat()), secure=True)
            self._scrub()
        return {budget_id: 1 for budget_id in {row["budget_id"] for row in rows}}

    def create(self) -> None:
        """Make the table now (`ledger migrate`), not on first use."""
        self._create_once()

    # --- the store ---------------------------------------------------------------------
    def _compile(self, statement: Any) -> Any:
        return statement.compile(dialect=self.dialect, compile_kwargs={"render_postcompile": True})

    def _execute(self, compiled: Any, params: dict[str, Any], fetch: bool = False) -> list[dict[str, Any]]:
        """Run a statement compiled once (`_compile`) with `params`."""
        self._create_once()
        if fetch and self.postgres:
            return self._read(compiled, compiled.construct_params(params))
        with self.datastore.transaction(commit=not fetch) as cursor:
            cursor.execute(str(compiled), compiled.construct_params(params))
            return [dict(row) for row in cursor.fetchall()] if fetch else []

    def _read(self, compiled: Any, params: Any) -> list[dict[str, Any]]:
        """One PostgreSQL read in autocommit: no BEGIN and ROLLBACK round trips, nor the DEALLOCATE
        ALL psycopg sends after a ROLLBACK. Still asked afresh on every call (erasure is immediate)."""
        with self.datastore.cursor() as cursor:
            cursor.execute(str(compiled), params)
            return [dict(row) for row in cursor.fetchall()]

    def _run(self, statement: Any, fetch: bool = False, secure: bool = False) -> list[dict[str, Any]]:
        compiled = self._compile(statement)
        self._create_once()
        if secure and not self.postgres:  # overwrite the old bytes, not only unlink them
            with self.datastore.get_connection(commit=True) as conn:
                conn.cursor().execute("PRAGMA secure_delete = ON")
                with conn.transaction(commit=True) as cursor:
                    cursor.execute(str(compiled), compiled.construct_params())
                conn.cursor().execute("PRAGMA secure_delete = OFF")
            return []
        return self._execute(compiled, {}, fetch)

    def _scrub(self) -> None:
        """No old copy of a destroyed key left in the store's files (a best effort under load)."""
        if self.postgres:
            with self.datastore.cursor() as cursor:  # autocommit: VACUUM runs outside a transaction
                cursor.execute(f"VACUUM FULL {self.datastore.schema}.{TABLE}")
            return
        with self.datastore.get_connection(commit=True) as conn:
            conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _create_once(self) -> None:
        with self._lock:
            if self._ready:
                return
            t = self.table
            ddl = [str(CreateTable(t, if_not_exists=True).compile(dialect=self.dialect))]
            ddl += [str(CreateIndex(i, if_not_exists=True).compile(dialect=self.dialect)) for i in t.indexes]
            if self.postgres:  # CREATE ... IF NOT EXISTS races other processes: take the tables lock
                ddl.insert(0, creation_lock_statement(self.datastore.schema))
            with self.datastore.transaction(commit=True) as cursor:
                for statement in ddl:
                    cursor.execute(statement)
            self._ready = True


def _key(row: dict[str, Any]) -> Key:
    if row["key"] is None:
        return Erased(datetime.fromisoformat(row["erased_at"]) if row["erased_at"] else None)
    return bytes.fromhex(row["key"])
