"""The surplus rule lives on the scheme: weeks of support a budget may hold, the rest reclaimable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.schemes import builtin_schemes, default_scheme
from ledger.schemes.scheme import surplus

YEAR = (date(2026, 4, 1), date(2027, 3, 31))  # 365 days


def test_wiltshire_lets_a_budget_hold_26_weeks_of_its_600_pounds() -> None:
    wiltshire = builtin_schemes()["wiltshire-short-breaks@1"]
    # weekly 600 * 7 / 365 = 11.507 -> 11.51; 26 weeks 109200 / 365 = 299.178 -> 299.18
    answer = wiltshire.surplus(Decimal("600.00"), Decimal("300.00"), *YEAR)
    assert answer is not None
    assert (answer.weeks, answer.weekly_support, answer.threshold) == (
        26,
        Decimal("11.51"),
        Decimal("299.18"),
    )
    assert answer.reclaimable == Decimal("0.82")


def test_the_short_breaks_scheme_holds_8_weeks() -> None:
    scheme = builtin_schemes()["short-breaks-individual-budget@1"]
    # 5200 * 7 * 8 / 365 = 797.81 threshold; 1000.00 held, so 202.19 reclaimable
    answer = scheme.surplus(Decimal("5200.00"), Decimal("1000.00"), *YEAR)
    assert answer is not None and (answer.threshold, answer.reclaimable) == (
        Decimal("797.81"),
        Decimal("202.19"),
    )


def test_the_permissive_default_sets_no_threshold() -> None:
    assert default_scheme().surplus(Decimal("600.00"), Decimal("600.00"), *YEAR) is None


def test_a_budget_at_or_below_its_threshold_has_nothing_reclaimable() -> None:
    answer = surplus(4, Decimal("1000.00"), Decimal("76.71"), *YEAR)
    assert answer is not None and answer.reclaimable == Decimal("0.00")


@given(
    weeks=st.integers(1, 104),
    allocated=st.decimals(0, 100_000, places=2),
    available=st.decimals(0, 100_000, places=2),
    days=st.integers(1, 800),
)
def test_reclaimable_is_never_negative_and_leaves_exactly_the_threshold(
    weeks: int, allocated: Decimal, available: Decimal, days: int
) -> None:
    start = date(2026, 4, 1)
    end = date.fromordinal(start.toordinal() + days - 1)
    answer = surplus(weeks, allocated, available, start, end)
    assert answer is not None
    assert answer.reclaimable >= 0
    assert answer.reclaimable == max(available - answer.threshold, Decimal(0))
    if answer.reclaimable > 0:
        assert available - answer.reclaimable == answer.threshold
