"""The full default demo, loaded once per store for the whole `tests/demo` package.

Loading 92 budgets takes half a minute or more, so every test that only reads
shares one load per store: `sqlite_demo` (also served over HTTP by the analytics
tests) and `postgres_demo`, and `demo` runs a test on both. Tests that write (the
idempotency check writes nothing; a new API key does) compare against `head`, the
log position the load ended at, never against the store's current head.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from ledger.aggregates.budget import Budget
from ledger.use_cases import LedgerService
from ledger_demo import load_demo
from ledger_demo.cohort import references
from tests.conftest import PG_URL, _pg_or_fail


@dataclass
class Loaded:
    url: str
    service: LedgerService
    summary: dict[str, object]
    head: int  # the notification id of the load's last event
    budgets: list[Budget]

    def budget(self, reference: str) -> Budget:
        return next(b for b in self.budgets if b.reference == reference)


def load_all(service: LedgerService, refs: list[str]) -> list[Budget]:
    ids = [service.find_by_reference(ref) for ref in refs]
    return [service.load(budget_id) for budget_id in ids if budget_id is not None]


def _loaded(url: str) -> Iterator[Loaded]:
    service = LedgerService(url=url)
    try:
        summary = load_demo(service)
        head = service.recorder.max_notification_id() or 0
        yield Loaded(url, service, summary, head, load_all(service, references()))
    finally:
        service.close()


@pytest.fixture(scope="package")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    yield from _loaded(f"sqlite:///{tmp_path_factory.mktemp('demo')}/ledger.db")


@pytest.fixture(scope="package")
def postgres_demo() -> Iterator[Loaded]:
    _pg_or_fail()
    schema = f"t_demo_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield from _loaded(f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}")
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def demo(request: pytest.FixtureRequest) -> Loaded:
    """The loaded demo on each store in turn."""
    return request.getfixturevalue(f"{request.param}_demo")  # type: ignore[no-any-return]
