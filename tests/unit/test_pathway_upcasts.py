"""Events and snapshots stored before the decision pathway read back as they meant then."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER
from tests.unit.factories import allocated_budget, recorded


@pytest.fixture(scope="module")
def app() -> Iterator[LedgerService]:
    with tempfile.TemporaryDirectory() as tmp:
        service = LedgerService(url=f"sqlite:///{tmp}/x.db")
        try:
            yield service
        finally:
            service.close()


def as_stored_before(app: LedgerService, item: Any, *dropped: str) -> Any:
    """`item` as an older release stored it: without `dropped` fields, at class version 1."""
    stored = app.mapper.to_stored_event(item)
    state = app.mapper.transcoder.decode(stored.state)
    for name in dropped:
        state.pop(name)
    state.pop("class_version", None)
    older = type(stored)(
        stored.originator_id, stored.originator_version, stored.topic, app.mapper.transcoder.encode(state)
    )
    return app.mapper.to_domain_event(older)


def test_an_allocation_decided_before_panels_relied_on_none(app: LedgerService) -> None:
    decided = next(e for e in recorded(allocated_budget()) if isinstance(e, ev.AllocationDecided))
    old = as_stored_before(app, decided, "panel_decision_id")
    assert old == decided and old.panel_decision_id is None


def test_an_allocation_revised_before_panels_relied_on_none(app: LedgerService) -> None:
    budget = allocated_budget()
    budget.revise_allocation(CASEWORKER, {"social_care": Decimal("1.00")}, "a cut")
    revised = recorded(budget)[-1]
    assert isinstance(revised, ev.AllocationRevised)
    old = as_stored_before(app, revised, "panel_decision_id")
    assert old == revised and old.panel_decision_id is None


def test_a_review_recorded_before_outcomes_rated_none(app: LedgerService) -> None:
    budget = allocated_budget()
    budget.review(CASEWORKER, date(2026, 10, 1), "fine", date(2027, 3, 1))
    reviewed = recorded(budget)[-1]
    old = as_stored_before(app, reviewed, "outcomes")
    assert old == reviewed and old.outcomes == []


def test_a_snapshot_taken_before_the_pathway_has_none_of_it(app: LedgerService) -> None:
    budget = allocated_budget()
    budget.collect_events()
    stored = app.mapper.to_stored_event(Budget.Snapshot.take(budget))
    state = app.mapper.transcoder.decode(stored.state)
    for name in ("indicative", "plans", "panel_decisions", "previous_package"):
        del state["state"][name]
    state["state"]["class_version"] = 2  # the aggregate's class version, kept inside its state
    older = type(stored)(
        stored.originator_id, stored.originator_version, stored.topic, app.mapper.transcoder.encode(state)
    )
    rebuilt = app.mapper.to_domain_event(older).mutate(None)
    assert (rebuilt.indicative, rebuilt.plans, rebuilt.panel_decisions, rebuilt.previous_package) == (
        None,
        [],
        {},
        None,
    )
    assert rebuilt.allocated == budget.allocated
