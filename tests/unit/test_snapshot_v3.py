"""A budget snapshot stored by the ledger before its state became copy-on-write still loads.

`data/budget_snapshot_v3.json` is the stored record (topic and JSON state) of a
snapshot of `a_budget_with_every_kind_of_state`, written by the code of commit
93cad29, when the state's items were mutable dataclasses; the shape is the same
(class_version 3), so it decodes into frozen items and the budget carries on.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.aggregates.budget import Budget
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER
from tests.unit.factories import recorded, state_of

STORED = json.loads((Path(__file__).parent / "data" / "budget_snapshot_v3.json").read_text())


@pytest.fixture(scope="module")
def app() -> Iterator[LedgerService]:
    with tempfile.TemporaryDirectory() as tmp:
        service = LedgerService(url=f"sqlite:///{tmp}/x.db")
        try:
            yield service
        finally:
            service.close()


def loaded(app: LedgerService) -> Budget:
    stored = StoredEvent(
        originator_id=UUID(STORED["originator_id"]),
        originator_version=STORED["originator_version"],
        topic=STORED["topic"],
        state=json.dumps(STORED["state"]).encode(),
    )
    snapshot: Any = app.mapper.to_domain_event(stored)
    budget = snapshot.mutate(None)
    assert isinstance(budget, Budget)
    return budget


def test_a_stored_v3_snapshot_loads_with_its_figures_and_frozen_items(app: LedgerService) -> None:
    assert STORED["state"]["state"]["class_version"] == 3
    budget = loaded(app)
    figures = budget.figures()
    assert {k: str(getattr(figures, k)) for k in STORED["figures"]} == STORED["figures"]
    items = [*budget.spends.values(), *budget.instalments, *budget.returns.values(), *budget.trials.values()]
    assert len(items) >= 10
    assert all(type(i).__dataclass_params__.frozen for i in items)  # type: ignore[attr-defined]
    assert budget.version == STORED["originator_version"]


def test_a_budget_loaded_from_a_v3_snapshot_carries_on_and_its_copies_stay_apart(app: LedgerService) -> None:
    budget = loaded(app)
    before = state_of(budget)
    copied = copy.deepcopy(budget)
    spend_id = next(k for k, s in copied.spends.items() if not s.reversed)
    copied.reverse_spend(CASEWORKER, spend_id, "charged in error")
    assert [type(e).__name__ for e in recorded(copied)] == ["SpendReversed"]
    assert copied.spends[spend_id].reversed and not budget.spends[spend_id].reversed
    assert state_of(budget) == before
    assert (
        dataclasses.replace(copied.spends[spend_id], reversed=False, reversal_reason=None)
        == (budget.spends[spend_id])
    )
