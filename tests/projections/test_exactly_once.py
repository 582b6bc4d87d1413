"""Exactly once under failure: a projection that dies between its writes and its commit.

The fault is raised from `_insert_tracking`, the last statement inside the view's
transaction, after the event's writes ran: so the writes roll back with it. The
runner dies; the view must then say exactly what a fold of the events up to its
tracked position says, and, once a runner starts again, exactly what a fold of
every event says: nothing lost, nothing counted twice.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from eventsourcing.projection import ProjectionRunner

from ledger.projections import readside as readside_module
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS
from ledger.use_cases import LedgerService
from tests.projections import folds, plan_folds
from tests.projections.commands import random_steps, run

TODAY = date(2026, 10, 1)
GROUP_BY = ["category", "stream", "cohort"]


class InjectedFault(Exception):
    """Raised inside the view's transaction, after the event's writes."""


def failing_once(view_class: type[Any], on_call: int) -> type[Any]:
    calls = itertools.count(1)

    class FailingView(view_class):  # type: ignore[misc, valid-type]
        def _insert_tracking(self, cursor: Any, tracking: Any) -> None:
            # counts the ledger's events only: creating the table records a migration marker too
            if tracking.application_name == LedgerService.name and next(calls) == on_call:
                raise InjectedFault(f"injected before committing {tracking.notification_id}")
            super()._insert_tracking(cursor, tracking)

    return FailingView


ANSWERS: dict[str, Callable[[Any], Any]] = {
    "balances": lambda v: folds.actual_balances(v.list_budgets(limit=1000)[0]),
    "spending": lambda v: (
        folds.actual_spending(v.spending(GROUP_BY, include_trials=True), GROUP_BY),
        v.spending([])["total"],
    ),
    "monitoring": lambda v: folds.actual_monitoring(v.monitoring(TODAY)),
    "portfolio": lambda v: v.portfolio(),
    "surplus": lambda v: folds.actual_surplus(v.surplus()),
    "providers": lambda v: folds.actual_providers(v.unit_costs()),
    "plans": lambda v: (plan_folds.actual_cells(v.plans()), plan_folds.actual_routes(v.plans())),
}
EXPECTED: dict[str, Callable[[folds.Replay], Any]] = {
    "balances": folds.expected_balances,
    "spending": lambda s: (
        folds.expected_spending(s, GROUP_BY, include_trials=True),
        sum((a for a, _, _ in folds.expected_spending(s, []).values()), folds.ZERO),
    ),
    "monitoring": lambda s: folds.expected_monitoring(s, TODAY),
    "portfolio": folds.expected_portfolio,
    "surplus": folds.expected_surplus,
    "providers": folds.expected_providers,
    "plans": lambda s: (plan_folds.expected_cells(s.budgets), plan_folds.expected_routes(s.budgets)),
}


def runner(url: str, name: str, view_class: type[Any]) -> ProjectionRunner[Any, Any]:
    model = READ_MODELS[name]
    return ProjectionRunner(
        application_class=LedgerService,
        projection_class=model.projection_class(1),
        view_class=view_class,
        env=readside_module.view_env(url, name, 1),
    )


@pytest.fixture
def busy_ledger(ledger: LedgerService) -> LedgerService:
    run(ledger, random_steps(seed=7, count=120))
    return ledger


@pytest.mark.parametrize("name", sorted(READ_MODELS))
def test_a_projection_killed_before_its_commit_resumes_with_nothing_lost_or_doubled(
    name: str, busy_ledger: LedgerService, store_url: str
) -> None:
    notifications = busy_ledger.recorder.select_notifications(start=None, limit=10_000)
    head, fail_on = notifications[-1].id, len(notifications) // 2
    model = READ_MODELS[name]
    side = ReadSide(store_url, names=[name])  # not started: only to read generation 1
    try:
        with (
            pytest.raises(InjectedFault),
            runner(store_url, name, failing_once(model.view_class(store_url), fail_on)) as dying,
        ):
            dying.run_forever(timeout=30)

        view = side.view(name)
        stopped_at = notifications[fail_on - 2].id  # the last event whose transaction committed
        assert view.position() == stopped_at
        assert ANSWERS[name](view) == EXPECTED[name](folds.replay(busy_ledger, upto=stopped_at))

        with runner(store_url, name, model.view_class(store_url)) as again:
            again.wait(head, timeout=30)
        assert view.position() == head
        assert ANSWERS[name](view) == EXPECTED[name](folds.replay(busy_ledger))
    finally:
        side.stop()


@pytest.mark.parametrize("name", ["balances", "spending"])
def test_the_read_side_restarts_a_failed_runner_and_catches_up_exactly(
    name: str, busy_ledger: LedgerService, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = READ_MODELS[name]
    failing = failing_once(model.view_class(store_url), on_call=5)
    patched = dataclasses.replace(model, sqlite_view=failing, postgres_view=failing)
    monkeypatch.setitem(READ_MODELS, name, patched)
    side = ReadSide(store_url, names=[name])
    side.start()  # the supervisor restarts the runner within a second of its death
    try:
        side.wait(busy_ledger.recorder.max_notification_id(), timeout=30)
        assert ANSWERS[name](side.view(name)) == EXPECTED[name](folds.replay(busy_ledger))
    finally:
        side.stop()


def test_a_query_holding_a_view_when_its_runner_restarts_still_gets_its_answer(
    busy_ledger: LedgerService, store_url: str
) -> None:
    """A restarted runner's old view is closed later, not under a query that was handed it."""
    side = ReadSide(store_url, names=["balances"])
    side.start()
    try:
        side.wait(busy_ledger.recorder.max_notification_id(), timeout=30)
        held = side.view("balances")  # a request's handler holds the running view...
        side._runners["balances"][1].is_interrupted.set()  # ...when the runner dies
        side._refresh()  # the supervisor's next round restarts it
        assert side.view("balances") is not held
        assert held.position() == busy_ledger.recorder.max_notification_id()  # the held view still answers
        assert len(side._retired) == 1
        side._retired = [(0.0, datastore) for _, datastore in side._retired]  # its time is up
        side._refresh()  # retired views are closed on the supervisor's next round once due
        assert side._retired == []
    finally:
        side.stop()
