"""The application service on both stores, one test body each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger import errors
from tests.builders import a_spend, open_budget, open_funded_budget
from tests.conftest import BROKER, CASEWORKER


def test_a_budget_reloads_equal_to_the_live_one(ledger) -> None:
    budget_id = open_funded_budget(ledger)
    outcome = ledger.record_spend(BROKER, budget_id, a_spend(), idempotency_key="k1")
    assert ledger.load(budget_id) == outcome.budget
    assert ledger.load(budget_id).available == Decimal("550.00")


def test_a_second_open_of_the_same_reference_is_a_conflict(ledger) -> None:
    open_budget(ledger, reference="BH-2026-0017")
    with pytest.raises(errors.ReferenceTaken):
        open_budget(ledger, reference="BH-2026-0017")
    assert ledger.find_by_reference("BH-2026-0017") is not None


def test_a_retried_spend_with_the_same_key_records_once(ledger) -> None:
    budget_id = open_funded_budget(ledger)
    first = ledger.record_spend(BROKER, budget_id, a_spend(), idempotency_key="same")
    again = ledger.record_spend(BROKER, budget_id, a_spend(), idempotency_key="same")
    assert again.result == first.result
    assert again.position is None
    assert ledger.load(budget_id).spent == Decimal("50.00")


def test_the_same_key_with_another_body_is_refused(ledger) -> None:
    budget_id = open_funded_budget(ledger)
    ledger.record_spend(BROKER, budget_id, a_spend("50.00"), idempotency_key="same")
    with pytest.raises(errors.IdempotencyKeyReused):
        ledger.record_spend(BROKER, budget_id, a_spend("60.00"), idempotency_key="same")


def test_snapshots_are_taken_and_loading_from_them_gives_the_same_budget(ledger) -> None:
    budget_id = open_funded_budget(ledger, allocated="5000.00", released="5000.00")
    for i in range(120):
        ledger.record_spend(CASEWORKER, budget_id, a_spend("1.00"), idempotency_key=f"k{i}")
    snapshots = list(ledger.snapshots.get(budget_id))
    assert [s.originator_version for s in snapshots] == [100]
    from_snapshot = ledger.load(budget_id)
    from_events = None
    for event in ledger.events.get(budget_id):
        from_events = event.mutate(from_events)
    assert from_snapshot == from_events
    assert from_snapshot.spent == Decimal("120.00")
