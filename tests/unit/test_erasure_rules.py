"""The erasure's own event: recorded on any budget, closed ones too, and it changes no figure."""

from __future__ import annotations

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from tests.conftest import ADMIN
from tests.unit.factories import closed_budget, funded_budget, recorded, refuses, state_of


@pytest.mark.parametrize("make", [funded_budget, closed_budget], ids=["active", "closed"])
def test_an_erasure_is_recorded_with_who_and_why_and_changes_no_figure(make) -> None:  # type: ignore[no-untyped-def]
    budget = make()
    recorded(budget)
    figures, state = budget.figures(), state_of(budget)
    budget.record_text_erasure(ADMIN, "request 4411", 1)
    (event,) = recorded(budget)
    assert isinstance(event, ev.FamilyTextErased)
    assert (event.actor_id, event.actor_role, event.reason, event.keys_destroyed) == (
        "adm-1",
        "admin",
        "request 4411",
        1,
    )
    assert event.figures == figures and budget.figures() == figures
    moved = ("_version", "_modified_on", "head_hash")  # what every event moves: its place in the chain
    assert {k: v for k, v in state_of(budget).items() if k not in moved} == {
        k: v for k, v in state.items() if k not in moved
    }


@pytest.mark.parametrize(
    ("reason", "error"),
    [("", errors.InvalidInput), ("   ", errors.InvalidInput), ("a\u202eb", errors.UnsafeText)],
)
def test_an_erasure_needs_a_reason_that_is_safe_to_show(reason: str, error: type[Exception]) -> None:
    budget = funded_budget()
    with refuses(budget, error):
        budget.record_text_erasure(ADMIN, reason, 0)
