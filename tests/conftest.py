"""Fixtures shared by every tier: the two stores, a fresh ledger per test, actors.

`store_url` runs a test once on SQLite (a file in the test's tmp dir) and once
on PostgreSQL (a schema of its own, dropped afterwards). Under `CI=true` a
PostgreSQL server that cannot be reached fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from ledger.aggregates.actor import Actor
from ledger.use_cases import LedgerService

PG_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

CASEWORKER = Actor("cw-1", "caseworker")
AUDITOR = Actor("aud-1", "auditor")
BROKER = Actor("brk-1", "broker", org="brokerage-a")
OTHER_BROKER = Actor("brk-2", "broker", org="brokerage-b")
FAMILY = Actor("fam-1", "family", family="FAM-001")
COMMISSIONER = Actor("com-1", "commissioner")
ADMIN = Actor("adm-1", "admin")


def _pg_or_fail() -> None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            pass
    except psycopg.OperationalError as e:
        message = f"PostgreSQL at {PG_URL} is unreachable: {e}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL pointing at a fresh, empty schema for this test only."""
    _pg_or_fail()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}schema={schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def ledger(store_url: str) -> Iterator[LedgerService]:
    app = LedgerService(url=store_url)
    try:
        yield app
    finally:
        app.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, keep the demo tests on one worker: they share one loaded demo per store.

    `tryfirst`: xdist's own hook turns the `xdist_group` mark into the node id's `@demo` suffix, so
    the mark must be on before it runs. pytest 9.2 ignores that suffix (pytest-xdist#1386), which
    is why pyproject holds pytest below 9.2: with the group lost, four workers each loaded the demo
    (about three minutes each on PostgreSQL).
    """
    for item in items:
        if "tests/demo/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("demo"))
