"""The library's aggregate cache is on by default, and a cached budget still sees other writers.

Writers of one budget queue inside a process, and the library brings a cached
budget up to date from the store (fast-forward) before every command, so a
second application on the same store (another process, in life) never acts on
a stale budget.
"""

from __future__ import annotations

from decimal import Decimal

from ledger.aggregates.budget import Budget
from ledger.settings import Settings
from ledger.snapshots import due
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget
from tests.conftest import BROKER


def test_two_ledgers_on_one_store_each_see_the_others_spends_through_their_caches(store_url: str) -> None:
    first, second = LedgerService(url=store_url), LedgerService(url=store_url)
    try:
        assert first.repository.cache is not None and second.repository.cache is not None
        budget_id = open_funded_budget(first, released="100.00")
        first.record_spend(BROKER, budget_id, a_spend("30.00"), "one")  # cached in the first
        second.record_spend(BROKER, budget_id, a_spend("50.00"), "two")  # unknown to the first's cache
        third = first.record_spend(BROKER, budget_id, a_spend("20.00"), "three")
        assert third.budget.figures().available == Decimal("0.00")
        refused = second.load(budget_id)
        assert refused.version == third.budget.version and len(refused.spends) == 3
    finally:
        first.close()
        second.close()


def test_the_cache_can_be_switched_off(store_url: str) -> None:
    ledger = LedgerService(url=store_url, settings=Settings(aggregate_cache_maxsize=0))
    try:
        assert ledger.repository.cache is None
    finally:
        ledger.close()


def test_each_command_gets_a_copy_that_shares_the_cached_budgets_items_but_not_its_dicts(
    store_url: str,
) -> None:
    ledger = LedgerService(url=store_url)
    try:
        budget_id = open_funded_budget(ledger, released="100.00")
        ledger.record_spend(BROKER, budget_id, a_spend("30.00"), "one")
        first, second = ledger.load(budget_id), ledger.load(budget_id)
        assert first == second and len(first.spends) == 1
        assert first.spends is not second.spends and first.instalments is not second.instalments
        assert all(first.spends[k] is second.spends[k] for k in first.spends)
    finally:
        ledger.close()


class SnapshotEveryTwo(LedgerService):
    name = LedgerService.name  # the same tables
    snapshotting_intervals = {**LedgerService.snapshotting_intervals, Budget: 2}


def test_snapshots_spread_out_as_a_budget_grows_and_a_cold_load_equals_the_cached_budget(
    store_url: str,
) -> None:
    ledger = SnapshotEveryTwo(url=store_url)
    cold = LedgerService(url=store_url, settings=Settings(aggregate_cache_maxsize=0))
    try:
        budget_id = open_funded_budget(ledger, released="100.00")
        for i in range(60):
            ledger.record_spend(BROKER, budget_id, a_spend("1.00"), f"s{i}")
        taken = [s.originator_version for s in ledger.snapshots.get(budget_id)]  # type: ignore[union-attr]
        version = ledger.load(budget_id).version
        assert version == 64
        assert taken == [v for v in range(1, version + 1) if due([v], 2)]
        assert taken[-3:] == [56, 60, 64]  # every 2 events up to 32, then every 4
        assert cold.load(budget_id) == ledger.load(budget_id)
        assert cold.load(budget_id, version=62).version == 62
    finally:
        ledger.close()
        cold.close()
