"""A command starts from the budget as this process last saved it, and still never acts on a stale one.

`ledger.written`: the copy is used without reading the store; a save from a stale
copy conflicts and is decided again on a fresh load without spending an attempt;
a refusal or a no-op on a copy is decided again on a fresh load. Two ledgers on
one store stand for two processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.ops.metrics import CONTENTION_RETRIES
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget
from tests.conftest import BROKER, CASEWORKER


@pytest.fixture
def two(store_url: str) -> Iterator[tuple[LedgerService, LedgerService]]:
    """Two ledgers on one store; the first gives up at its first lost race (so none may be spent idly)."""
    first = LedgerService(url=store_url, settings=Settings(max_attempts=1))
    second = LedgerService(url=store_url)
    yield first, second
    first.close()
    second.close()


def retries() -> float:
    return next(s.value for m in CONTENTION_RETRIES.collect() for s in m.samples if s.name.endswith("_total"))


def test_a_command_after_a_save_here_reads_no_budget_from_the_store(
    two: tuple[LedgerService, LedgerService], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("30.00"), "one")
    loads = loads_of(first, monkeypatch)
    outcome = first.record_spend(BROKER, budget_id, a_spend("20.00"), "two")
    assert [a for a in loads if a[0] == budget_id] == []
    assert outcome.budget.figures().available == Decimal("50.00")


def test_a_save_from_a_stale_copy_is_decided_again_on_a_fresh_load_without_spending_an_attempt(
    two: tuple[LedgerService, LedgerService],
) -> None:
    first, second = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("30.00"), "one")  # kept by the first
    second.record_spend(BROKER, budget_id, a_spend("50.00"), "two")  # the first's copy is now stale
    before = retries()
    third = first.record_spend(BROKER, budget_id, a_spend("20.00"), "three")  # one attempt allowed
    assert retries() == before  # no race was lost: nothing backed off or counted
    assert third.budget.figures().available == Decimal("0.00")
    stored = second.load(budget_id)
    assert stored.version == third.budget.version and len(stored.spends) == 3


def test_a_refusal_on_a_stale_copy_is_decided_again_on_a_fresh_load(
    two: tuple[LedgerService, LedgerService],
) -> None:
    first, second = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("100.00"), "all")  # the first's copy: nothing left
    second.schedule_instalment(CASEWORKER, budget_id, Decimal("50.00"), date(2026, 5, 1), False)
    second.release_instalment(CASEWORKER, budget_id, 2)  # more money, unknown to the first's copy
    outcome = first.record_spend(BROKER, budget_id, a_spend("40.00"), "more")
    assert outcome.budget.figures().available == Decimal("10.00")
    assert len(second.load(budget_id).spends) == 2


def test_a_command_that_saves_nothing_answers_from_a_fresh_load(
    two: tuple[LedgerService, LedgerService],
) -> None:
    first, second = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("30.00"), "one")
    second.record_spend(BROKER, budget_id, a_spend("50.00"), "two")
    outcome = first.change(BROKER, "record_spend", budget_id, lambda b: b.version)
    assert outcome.result == second.load(budget_id).version and outcome.position is None


def test_a_budget_another_process_writes_is_then_loaded_as_the_library_loads_it(
    two: tuple[LedgerService, LedgerService], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "one")
    second.record_spend(BROKER, budget_id, a_spend("10.00"), "two")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "three")  # its copy proved stale
    loads = loads_of(first, monkeypatch)
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "four")
    assert [a[0] for a in loads].count(budget_id) == 1  # loaded (fast-forwarded), no copy tried first
    assert len(second.load(budget_id).spends) == 4


def loads_of(ledger: LedgerService, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The loads from the store by `ledger`, from now on."""
    loads: list[Any] = []
    real_get = ledger.repository.get
    monkeypatch.setattr(ledger.repository, "get", lambda *a, **k: loads.append(a) or real_get(*a, **k))
    return loads


def test_a_budget_saved_here_outside_a_command_is_kept_again_after_its_next_command(
    two: tuple[LedgerService, LedgerService], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "one")
    budget = first.load(budget_id)
    budget.record_spend(BROKER, "direct", a_spend("5.00"))
    first.save(budget)  # as erasure and batch ingest save: not through `change`, and not another process
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "two")
    loads = loads_of(first, monkeypatch)
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "three")
    assert [a[0] for a in loads].count(budget_id) == 0  # kept: not taken for a budget written elsewhere
    assert len(first.load(budget_id).spends) == 4


def test_a_conflict_on_a_current_copy_does_not_mark_the_budget_written_elsewhere(
    two: tuple[LedgerService, LedgerService], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "one")
    real_insert, failed = first.group_commit.insert, []

    def conflicting_once(events: Any) -> Any:
        if not failed:
            failed.append(True)
            raise IntegrityError("an idempotency record's key, say")
        return real_insert(events)

    monkeypatch.setattr(first.group_commit, "insert", conflicting_once)
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "two")  # the fresh load is no newer
    loads = loads_of(first, monkeypatch)
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "three")
    assert failed and [a[0] for a in loads].count(budget_id) == 0
    assert len(first.load(budget_id).spends) == 3


def test_a_refusal_on_a_stale_copy_keeps_no_stale_copy(two: tuple[LedgerService, LedgerService]) -> None:
    first, second = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "one")
    second.record_spend(BROKER, budget_id, a_spend("10.00"), "two")
    with pytest.raises(errors.RuleBroken):
        first.record_spend(BROKER, budget_id, a_spend("500.00"), "too much")  # refused on copy and fresh
    kept = first.written.copy(budget_id)
    assert kept is None or kept.version == second.load(budget_id).version


def test_a_failure_that_is_not_a_refusal_is_not_decided_again(
    two: tuple[LedgerService, LedgerService],
) -> None:
    first, _ = two
    budget_id = open_funded_budget(first, released="100.00")
    first.record_spend(BROKER, budget_id, a_spend("10.00"), "one")
    calls: list[int] = []

    def broken(budget: Any) -> None:
        calls.append(budget.version)
        raise RuntimeError("a bug, not a refusal")

    with pytest.raises(RuntimeError):
        first.change(BROKER, "record_spend", budget_id, broken)
    assert len(calls) == 1
