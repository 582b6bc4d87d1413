"""After any command sequence, each read model equals a fold of the events and a rebuild from zero.

The incrementally maintained views (the read side's runners, fed as the
commands happen) are compared with what `folds` reads off the replayed
aggregates; then every read model is rebuilt into a new generation and must
answer every query exactly as before, shares and all; and again, all of them
together in one pass over the log, in small batches.
"""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings

from ledger.projections import readside
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS
from ledger.use_cases import LedgerService
from tests.projections import folds, plan_folds
from tests.projections.commands import STEPS, Step, random_steps, run

TODAY = date(2026, 10, 1)
GROUPINGS: tuple[list[str], ...] = (
    [],
    ["category"],
    ["month", "category"],
    ["stream"],
    ["cohort", "management"],
)
YEARS = (None, 2025, 2026)


def answers(side: ReadSide) -> dict[str, Any]:
    spending = side.view("spending")
    return {
        "balances": side.view("balances").list_budgets(limit=1000)[0],
        "spending": [spending.spending(g, include_trials=t) for g in GROUPINGS for t in (False, True)],
        "spending_filtered": spending.spending(["month"], date_from=date(2026, 5, 1), cohort="pilot"),
        "monitoring": side.view("monitoring").monitoring(TODAY),
        "portfolio": [side.view("portfolio").portfolio(y) for y in YEARS],
        "surplus": side.view("surplus").surplus(),
        "providers": side.view("providers").unit_costs(),
        "plans": [side.view("plans").plans(c) for c in (None, "pilot")],
        "reviews_overdue": side.view("plans").reviews_overdue(TODAY),
    }


def check_against_fold(app: LedgerService, side: ReadSide) -> None:
    state = folds.replay(app)
    rows = side.view("balances").list_budgets(limit=1000)[0]
    assert folds.actual_balances(rows) == folds.expected_balances(state)
    for group_by in GROUPINGS:
        for trials in (False, True):
            result = side.view("spending").spending(group_by, include_trials=trials)
            assert folds.actual_spending(result, group_by) == folds.expected_spending(state, group_by, trials)
            assert result["total"] == sum(g["amount"] for g in result["groups"])
            folds.check_shares(result, group_by)
    monitoring = side.view("monitoring").monitoring(TODAY)
    assert folds.actual_monitoring(monitoring) == folds.expected_monitoring(state, TODAY)
    for year in YEARS:
        assert side.view("portfolio").portfolio(year) == folds.expected_portfolio(state, year)
    assert folds.actual_surplus(side.view("surplus").surplus()) == folds.expected_surplus(state)
    assert folds.actual_providers(side.view("providers").unit_costs()) == folds.expected_providers(state)
    plans = side.view("plans").plans()
    assert plan_folds.actual_cells(plans) == plan_folds.expected_cells(state.budgets)
    assert plan_folds.actual_routes(plans) == plan_folds.expected_routes(state.budgets)


def check_everything(url: str, steps: list[Step]) -> None:
    app = LedgerService(url=url)
    side = ReadSide(url)
    side.start()
    try:
        run(app, steps)
        head = app.recorder.max_notification_id() or 0
        side.wait(head, timeout=30)
        check_against_fold(app, side)
        before = answers(side)
        for name in READ_MODELS:
            side.rebuild(name, head=lambda: head)
        assert answers(side) == before
        with patch.object(readside, "CATCH_UP_BATCH", 7):  # many batches, each event decoded once for all
            side.rebuild_many(list(READ_MODELS), head=lambda: head)
        assert answers(side) == before
    finally:
        side.stop()
        app.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_read_models_equal_a_fold_of_the_events_and_a_rebuild_on_sqlite(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_everything(f"sqlite:///{tmp}/ledger.db", steps)


def test_a_long_fixed_sequence_gives_the_same_answers_incrementally_rebuilt_and_folded(
    store_url: str,
) -> None:
    check_everything(store_url, random_steps(seed=7, count=200))
