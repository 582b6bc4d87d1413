"""Tables are created once, under one PostgreSQL advisory lock, however many processes start together.

`CREATE TABLE IF NOT EXISTS` and `CREATE TYPE` are not safe against each other:
two processes creating the same tables at once fail with "tuple concurrently
updated" or a duplicate `pg_type` row. Every ledger process therefore creates
tables through `LockingPostgresFactory` (the library's factory, named by
`ledger.store.persistence_env`), which holds `pg_advisory_lock(TABLES_LOCK)` on a
connection of its own while the library creates them; the read side's generation
table is made under the same lock. The lock is per schema: those races are between
creators of the same objects, and objects in other schemas are other objects, so
ledgers in other schemas of one database never wait on each other (a database-wide
lock made the test suite's parallel workers queue for it: 62 creations took 5.6 s
of an API test's 7.8 s set-up). `ledger migrate` takes the same path once, before
servers start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import PostgresFactory

from ledger.ops.breaker import guard

RECONNECT_SECONDS = 3.0
#: the advisory lock's first key every ledger takes to create tables ("ledg" in ASCII); the
#: second is the schema's name hashed, so each schema has a lock of its own
TABLES_LOCK = 0x6C656467


def creation_lock_statement(schema: str | None) -> str:
    """The tables lock taken inside a DDL transaction (released at its commit), for tables the
    ledger makes itself on first use (text keys, the access log, key use)."""
    return f"SELECT pg_advisory_xact_lock({TABLES_LOCK}, hashtext('{schema or 'public'}'))"


@contextmanager
def creation_lock(env: Mapping[str, str]) -> Iterator[None]:
    """Hold the tables lock while the body runs (PostgreSQL settings in `env`); SQLite needs none."""
    if "POSTGRES_HOST" not in env:
        yield
        return
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        autocommit=True,
    ) as conn:
        schema = env.get("POSTGRES_SCHEMA") or "public"
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (TABLES_LOCK, schema))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (TABLES_LOCK, schema))


class LockingPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory, creating each recorder's tables under the tables lock.

    Its datastore also fails fast while the store is known to be away (`ledger.ops.breaker`),
    and a recorder can be built while the store is away: the library fetches the
    composite types' adapters as it builds one, which only its database functions
    use, and those stay off (EVENTSOURCING-NOTES).
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        guard(self.datastore)
        # psycopg_pool retries a lost connection with a doubling delay for five minutes, so a
        # long outage left it sleeping many seconds after the store was back; giving up after
        # a few seconds makes the next request ask for a connection at once instead
        self.datastore.pool.reconnect_timeout = RECONNECT_SECONDS
        register = self.datastore.register_type_adapters

        def register_unless_away() -> None:
            with contextlib.suppress(OperationalError):
                register()

        self.datastore.register_type_adapters = register_unless_away  # type: ignore[method-assign]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if not self.env_create_table():
            yield
            return
        keys = ("DBNAME", "HOST", "PORT", "USER", "PASSWORD", "CONNECT_TIMEOUT", "SCHEMA")
        settings = {f"POSTGRES_{k}": self.env.get(f"POSTGRES_{k}") or "" for k in keys}
        with creation_lock(settings):
            yield

    def aggregate_recorder(self, purpose: str = "events") -> Any:
        with self._locked():
            return super().aggregate_recorder(purpose)

    def application_recorder(self) -> Any:
        with self._locked():
            return super().application_recorder()

    def tracking_recorder(self, tracking_recorder_class: Any = None) -> Any:
        with self._locked():
            return super().tracking_recorder(tracking_recorder_class)

    def process_recorder(self) -> Any:
        with self._locked():
            return super().process_recorder()
