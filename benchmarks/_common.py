"""What the benchmark scripts share: the two stores, a clock, and the table they print.

Each store is made fresh for one run and removed afterwards: SQLite is a file in
a temporary directory, PostgreSQL a schema of its own (dropped at the end) in the
database named by `LEDGER_BENCH_POSTGRES_URL` (default
`postgresql://postgres@127.0.0.1:5432/postgres`). A PostgreSQL server that cannot
be reached is reported and skipped, so the SQLite figures still come out.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

PG_URL = os.environ.get("LEDGER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Store:
    name: str  # "sqlite" or "postgres"
    url: str  # the ledger's LEDGER_DATABASE_URL
    target: str  # the SQLite file, or the PostgreSQL schema

    @property
    def param(self) -> str:
        """The driver's placeholder for a query parameter."""
        return "?" if self.name == "sqlite" else "%s"

    def connect(self) -> Any:
        """A plain autocommit connection of the same driver the library uses."""
        if self.name == "sqlite":
            # the busy timeout the library sets too: 16 raw writers otherwise fail with "database is locked"
            conn = sqlite3.connect(self.target, isolation_level=None, check_same_thread=False, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")  # as the library sets it
            return conn
        return psycopg.connect(PG_URL, autocommit=True, options=f"-c search_path={self.target}")


def options(doc: str | None, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (for CI)")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    return parser.parse_args(argv)


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as folder:
        path = os.path.join(folder, "ledger.db")
        yield Store("sqlite", f"sqlite:///{path}", path)


@contextmanager
def postgres_store() -> Iterator[Store]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield Store("postgres", f"{PG_URL}{separator}schema={schema}", schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def stores(which: str) -> Iterator[Callable[[], Any]]:
    """The store factories asked for; PostgreSQL only if it answers."""
    if which in ("sqlite", "both"):
        yield sqlite_store
    if which in ("postgres", "both"):
        if not postgres_answers():
            return
        yield postgres_store


def postgres_answers(patience: float = 120.0) -> bool:
    """Whether PostgreSQL takes a connection; waits while it is full (other tests on a shared server)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            with psycopg.connect(PG_URL, connect_timeout=3):
                return True
        except psycopg.OperationalError as e:
            if "too many clients" not in str(e) or time.monotonic() > deadline:
                print(f"(PostgreSQL at {PG_URL} is unreachable, skipped: {e})")
                return False
            time.sleep(2)


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    return statistics.median(seconds(work) for _ in range(repeats))


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    print(f"\n{title}\n")
    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))
