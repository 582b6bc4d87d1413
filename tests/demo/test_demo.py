"""The demo cohort: its figures, its trend, its reproducibility and its idempotence, on both stores.

The full default cohort is loaded once per store (`tests/demo/conftest.py`) and
every test reads the budgets back through `LedgerService.load`, so what is checked
is what the events say, not what the generator meant. The states the demo holds
are checked in `test_demo_states.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

from ledger.aggregates.budget import Budget
from ledger.aggregates.state import Spend
from ledger.aggregates.vocabulary import Category
from ledger.money import total
from ledger.use_cases import LedgerService
from ledger_demo import load_demo
from ledger_demo.cohort import plan_cohort, references
from ledger_demo.spending import month_spends
from tests.demo.conftest import Loaded, load_all


def shares_by_month(budgets: list[Budget], category: str) -> list[Decimal]:
    amounts: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for budget in budgets:
        for spend in budget.spends.values():
            if not spend.reversed:
                month = amounts[spend.service_date.year, spend.service_date.month]
                month[spend.category] += spend.amount
                month["all"] += spend.amount
    return [amounts[m][category] / amounts[m]["all"] for m in sorted(amounts)]


def test_the_cohort_is_92_budgets_whose_allocations_total_exactly_397450_pounds(demo: Loaded) -> None:
    assert demo.summary["loaded"] is True
    assert len(demo.budgets) == demo.summary["budgets"] == 92
    allocated = total(b.allocated for b in demo.budgets)
    assert allocated == demo.summary["allocated"] == Decimal("397450.00")
    assert all(isinstance(a, Decimal) for b in demo.budgets for a in b.allocation.amounts.values())  # type: ignore[union-attr]


def test_the_summary_counts_every_event_written(demo: Loaded) -> None:
    assert demo.summary["events"] == demo.head
    assert demo.summary["spends"] == sum(len(b.spends) for b in demo.budgets)
    assert demo.summary["trial_spends"] == sum(len(t.spends) for b in demo.budgets for t in b.trials.values())
    # reported, not bounded: the load takes 30 to 90 s depending on the store and the machine's load
    assert isinstance(demo.summary["seconds"], float) and demo.summary["seconds"] > 0


def test_personal_assistant_share_rises_month_by_month(demo: Loaded) -> None:
    shares = shares_by_month(demo.budgets, "personal_assistant")
    assert len(shares) == 12
    assert all(later > earlier for earlier, later in pairwise(shares))
    assert shares[-1] > 2 * shares[0]


def test_residential_overnight_share_falls_month_by_month(demo: Loaded) -> None:
    shares = shares_by_month(demo.budgets, "residential_overnight")
    assert all(later < earlier for earlier, later in pairwise(shares))
    assert shares[-1] < shares[0] / 4


def test_every_category_appears_and_pa_and_residential_spends_carry_units(demo: Loaded) -> None:
    spends = [s for b in demo.budgets for s in b.spends.values()]
    assert {s.category for s in spends} == set(Category)
    assert all(s.unit == "hours" and s.units for s in spends if s.category == "personal_assistant")
    assert all(s.unit == "nights" and s.units for s in spends if s.category == "residential_overnight")


def test_trial_spends_exist_but_never_touch_balances(demo: Loaded) -> None:
    trials = [t for b in demo.budgets for t in b.trials.values()]
    assert sorted(t.status for t in trials) == ["abandoned", "adopted"]
    assert all(t.spends and t.spent == total(s.amount for s in t.spends.values()) for t in trials)
    for budget in demo.budgets:
        real = total(s.amount for s in budget.spends.values() if not s.reversed)
        assert budget.spent == real
        assert budget.available == budget.released - real - budget.recovered
        assert not {i for t in budget.trials.values() for i in t.spends} & budget.spends.keys()


def test_loading_twice_writes_nothing(demo: Loaded) -> None:
    before = demo.service.recorder.max_notification_id()
    again = load_demo(demo.service)
    assert again["loaded"] is False and again["events"] == again["envelopes"] == 0
    assert demo.service.recorder.max_notification_id() == before


def test_the_same_seed_plans_the_same_cohort_and_another_seed_does_not() -> None:
    first, second, other = plan_cohort(2026), plan_cohort(2026), plan_cohort(7)
    assert first == second
    assert [month_spends(p, 4, 2026) for p in first] == [month_spends(p, 4, 2026) for p in second]
    assert [p.decided for p in first] != [p.decided for p in other]
    assert total(p.decided for p in other) == total(p.decided for p in first)


def test_a_smaller_cohort_loads_on_both_stores_and_only_once(ledger: LedgerService) -> None:
    summary = load_demo(ledger, seed=11, families=12)
    budgets = load_all(ledger, references(12))
    assert len(budgets) == summary["budgets"] == 12
    scaled = Decimal("51841.00")  # 397,450 x 12 / 92, to the pound
    assert total(b.allocated for b in budgets) == summary["allocated"] == scaled
    assert load_demo(ledger, seed=11, families=12)["events"] == 0


def unfingerprinted(spends: dict[str, Spend]) -> dict[str, Spend]:
    """Spends without their request fingerprints, which cover the sealed (per-key) text."""
    return {spend_id: replace(spend, request_fingerprint="") for spend_id, spend in spends.items()}


def test_two_loads_with_the_same_seed_write_the_same_budgets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    loaded = []
    for name in ("one", "two"):
        service = LedgerService(url=f"sqlite:///{tmp_path}/{name}.db")
        try:
            load_demo(service, seed=5, families=9)
            # each budget seals its free text with a key of its own, so compare the text as read
            loaded.append(
                [
                    service.reveal([b.id, b.spends, b.allocation, b.instalments, b.status])
                    for b in load_all(service, references(9))
                ]
            )
        finally:
            service.close()
    first, second = loaded
    assert [b[0] for b in first] == [b[0] for b in second]  # ids
    assert [unfingerprinted(b[1]) for b in first] == [unfingerprinted(b[1]) for b in second]  # spends
    assert [b[2] for b in first] == [b[2] for b in second]  # allocations
    assert [b[3] for b in first] == [b[3] for b in second]  # instalments
    assert [b[4] for b in first] == [b[4] for b in second]  # statuses
    assert "sealed:" not in repr(first)  # the comparison is of the text as read, not of ciphertext
