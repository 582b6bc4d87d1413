"""Statements reconcile, for random histories: closing minus opening equals the movements listed.

Each example runs random commands on a real Budget in memory (releases, spends on
random service dates, reversals, recoveries, and commands that move no money), then
reads statements over random business-date ranges from its events.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.aggregates.budget import Budget
from ledger.audit_statement import build_statement
from ledger.errors import LedgerError
from ledger.money import total
from tests.builders import a_spend
from tests.conftest import CASEWORKER
from tests.unit.factories import PERIOD_END, PERIOD_START, new_budget

DAYS = (PERIOD_END - PERIOD_START).days
day = st.integers(0, DAYS).map(lambda n: PERIOD_START + timedelta(days=n))
pounds = st.integers(1, 40000).map(lambda p: Decimal(p) / 100)
command = st.one_of(
    st.tuples(st.just("release"), pounds, day),
    st.tuples(st.just("spend"), pounds, day),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("recover"), pounds),
    st.tuples(st.just("review"), day),
)


def history(commands: list[tuple[Any, ...]]) -> tuple[Budget, list[Any]]:
    budget = new_budget()
    budget.decide_allocation(CASEWORKER, {"social_care": Decimal("5000.00")}, "test")
    spends: list[str] = []
    for i, (kind, *args) in enumerate(commands):
        try:
            if kind == "release":
                budget.release_instalment(
                    CASEWORKER, budget.schedule_instalment(CASEWORKER, args[0], args[1], False)
                )
            elif kind == "spend":
                budget.record_spend(CASEWORKER, f"s{i}", a_spend(str(args[0]), service_date=args[1]))
                spends.append(f"s{i}")
            elif kind == "reverse" and spends:
                budget.reverse_spend(CASEWORKER, spends[args[0] % len(spends)], "mistake")
            elif kind == "recover":
                budget.recover_surplus(CASEWORKER, args[0], "unspent")
            elif kind == "review":
                budget.review(CASEWORKER, args[0], "fine", PERIOD_END)
        except LedgerError:
            pass  # a refused command records nothing; the history goes on
    return budget, list(budget.collect_events())


@settings(max_examples=60, deadline=None)
@given(st.lists(command, max_size=25), day, day, day)
def test_closing_minus_opening_equals_the_movements_for_random_histories(
    commands: list[tuple[Any, ...]], a: date, b: date, c: date
) -> None:
    budget, events = history(commands)
    first, middle, last = sorted((a, b, c))
    s = build_statement(budget.id, budget.reference, events, first, last)
    assert s.closing_balance - s.opening_balance == total(m.amount for m in s.movements)
    assert s.closing_balance - s.opening_balance == (
        s.total_of("release") + s.total_of("spend") + s.total_of("reversal") + s.total_of("recovery")
    )
    assert all(first <= m.on <= last for m in s.movements)
    # consecutive statements chain: one's closing is the next one's opening
    left = build_statement(budget.id, budget.reference, events, first, middle)
    right = build_statement(budget.id, budget.reference, events, middle + timedelta(days=1), last)
    assert left.closing_balance == right.opening_balance
    assert right.closing_balance == s.closing_balance
    # over every date the statement reconciles with the domain's own figures (recoveries are
    # dated the day they are recorded: today, whenever the test runs)
    whole = build_statement(budget.id, budget.reference, events, date(2000, 1, 1), date(2100, 12, 31))
    assert whole.opening_balance == 0
    assert whole.closing_balance == budget.available == whole.available and whole.reconciled
    assert -whole.total_of("spend") - whole.total_of("reversal") == budget.spent
    assert whole.total_of("release") == budget.released
    assert -whole.total_of("recovery") == budget.recovered
