"""A save's pipelined insert on PostgreSQL (`ledger.ops.pipelined_insert`).

A lost race raises `IntegrityError` and leaves the connection clean; a batch of
group commit falls back to its saves one by one; and a connection lost around
the batch's COMMIT (its outcome unknown) is neither done twice nor reported as
a lost race: the retry first reads the rows at the save's keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresProcessRecorder

from ledger.aggregates.vocabulary import InstalmentStatus
from ledger.ops import pipelined_insert
from ledger.ops.group_commit import _Save
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget
from tests.conftest import BROKER, CASEWORKER


@pytest.fixture
def pg(pg_schema_url: str) -> Iterator[LedgerService]:
    app = LedgerService(url=pg_schema_url)
    yield app
    app.close()


def fail_once(app: LedgerService, method: str, before: Callable[[], Any] = lambda: None) -> None:
    """The recorder's `method` fails the next time as a lost connection does (after `before` runs)."""
    recorder: Any = app.recorder
    real = getattr(recorder, method)
    armed = [True]

    def failing(*args: Any, **kwargs: Any) -> Any:
        if armed.pop() if armed else False:
            before()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    setattr(recorder, method, failing)


def lose_next_commit_reply(app: LedgerService) -> None:
    """The next save commits, and its connection is lost before the reply is read."""
    fail_once(app, "_fetch_ids_after_insert_events")


def conn_status(app: LedgerService) -> Any:
    with app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        return conn.info.transaction_status


def test_a_lost_race_raises_integrity_error_and_leaves_the_connection_idle(pg: LedgerService) -> None:
    budget_id = open_funded_budget(pg, released="100.00")
    last = pg.recorder.select_events(budget_id, desc=True, limit=1)[0]
    with pytest.raises(IntegrityError):
        pg.group_commit._insert([last])
    assert conn_status(pg) == psycopg.pq.TransactionStatus.IDLE
    assert pg.record_spend(BROKER, budget_id, a_spend("10.00")).position is not None


def test_a_joint_batch_with_a_lost_race_fails_only_that_save(pg: LedgerService) -> None:
    a = open_funded_budget(pg, released="100.00")
    b = open_funded_budget(pg, released="100.00", reference="REF-B")
    conflicting = _Save([pg.recorder.select_events(a, desc=True, limit=1)[0]])
    budget = pg.load(b)
    budget.record_spend(BROKER, "s-1", a_spend("5.00"))
    fresh = _Save([pg.mapper.to_stored_event(e) for e in budget.collect_events()])
    pg.group_commit._write([conflicting, fresh])
    assert isinstance(conflicting.error, IntegrityError)
    assert fresh.error is None and fresh.ids
    assert "s-1" in pg.load(b).spends


def test_the_lock_timeout_applies_in_the_pipeline(
    pg_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipelined_insert, "MAX_ATTEMPTS", 1)
    app = LedgerService(url=pg_schema_url, env={"POSTGRES_LOCK_TIMEOUT": "1"})
    try:
        budget_id = open_funded_budget(app, released="100.00")
        budget = app.load(budget_id)
        budget.record_spend(BROKER, "s-x", a_spend("5.00"))
        stored = [app.mapper.to_stored_event(e) for e in budget.collect_events()]
        url, schema = pg_schema_url.split("?")[0], pg_schema_url.split("schema=")[1]
        with psycopg.connect(url) as holder:
            holder.execute(f"LOCK TABLE {schema}.ledger_events IN EXCLUSIVE MODE")
            with pytest.raises(OperationalError):  # without the timeout this would wait for the holder
                app.group_commit._insert(stored)
        assert conn_status(app) == psycopg.pq.TransactionStatus.IDLE
    finally:
        app.close()


def test_only_the_application_recorder_itself_is_pipelined(pg: LedgerService) -> None:
    recorder: Any = pg.recorder
    process = object.__new__(PostgresProcessRecorder)  # writes tracking rows: keeps its own insert
    process.datastore = recorder.datastore
    assert type(recorder) is PostgresApplicationRecorder
    assert pipelined_insert.pipelined_insert(process) == process.insert_events
    assert pipelined_insert.pipelined_insert(recorder) != recorder.insert_events


def test_a_spend_whose_commit_reply_is_lost_is_recorded_once_and_answered(pg: LedgerService) -> None:
    budget_id = open_funded_budget(pg, released="100.00")
    pg.record_spend(BROKER, budget_id, a_spend("10.00"))  # kept: the next starts from the copy
    lose_next_commit_reply(pg)
    out = pg.record_spend(BROKER, budget_id, a_spend("10.00"))
    assert out.position == pg.recorder.max_notification_id()
    assert len(pg.load(budget_id).spends) == 2


def test_an_instalment_whose_commit_reply_is_lost_is_scheduled_once(pg: LedgerService) -> None:
    budget_id = open_funded_budget(pg, released="100.00")
    pg.record_spend(BROKER, budget_id, a_spend("10.00"))
    before = len(pg.load(budget_id).instalments)
    lose_next_commit_reply(pg)
    pg.schedule_instalment(CASEWORKER, budget_id, Decimal("50.00"), date(2026, 5, 1), False)
    assert len(pg.load(budget_id).instalments) == before + 1


def test_a_release_whose_commit_reply_is_lost_is_answered_as_done(pg: LedgerService) -> None:
    budget_id = open_funded_budget(pg, released="100.00")
    pg.schedule_instalment(CASEWORKER, budget_id, Decimal("50.00"), date(2026, 5, 1), False)
    number = len(pg.load(budget_id).instalments)
    lose_next_commit_reply(pg)
    pg.release_instalment(CASEWORKER, budget_id, number)  # not InstalmentNotPending
    assert pg.load(budget_id).instalments[number - 1].status == InstalmentStatus.RELEASED


def test_a_save_lost_before_it_was_sent_is_sent_again(pg: LedgerService) -> None:
    budget_id = open_funded_budget(pg, released="100.00")
    pg.record_spend(BROKER, budget_id, a_spend("10.00"))
    fail_once(pg, "_insert_stored_events")
    pg.record_spend(BROKER, budget_id, a_spend("10.00"))
    assert len(pg.load(budget_id).spends) == 2


def test_versions_taken_by_another_writer_while_the_outcome_was_unknown_are_a_lost_race(
    pg_schema_url: str, pg: LedgerService
) -> None:
    other = LedgerService(url=pg_schema_url)
    try:
        budget_id = open_funded_budget(pg, released="100.00")
        pg.record_spend(BROKER, budget_id, a_spend("10.00"))
        other_spends = lambda: other.record_spend(BROKER, budget_id, a_spend("20.00"))  # noqa: E731
        fail_once(pg, "_insert_stored_events", other_spends)
        pg.record_spend(BROKER, budget_id, a_spend("30.00"))  # decided again after the other's spend
        amounts = sorted(s.amount for s in pg.load(budget_id).spends.values())
        assert amounts == [Decimal("10.00"), Decimal("20.00"), Decimal("30.00")]
    finally:
        other.close()
