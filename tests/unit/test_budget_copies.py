"""A copy of a budget (as the application's cache makes one per command) shares its frozen items.

The copy owns its lists and dicts, so an event applied to it never reaches the
budget it was copied from; the items in them are shared, which makes a copy cost
the size of those containers, not of the whole history.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from ledger.aggregates.budget import Budget
from ledger.aggregates.commitments import Commitment
from ledger.aggregates.figures import Figures
from ledger.aggregates.plan_state import PLAN_STATE_TYPES
from ledger.aggregates.state import STATE_TYPES
from tests.conftest import BROKER, CASEWORKER
from tests.unit.factories import (
    a_budget_with_every_kind_of_state,
    a_spend,
    money,
    recorded,
    state_of,
)


def items(value: Any) -> list[Any]:
    """Every value held in `value` (a list or dict), and in the lists and dicts of those values."""
    found = []
    for item in value.values() if isinstance(value, dict) else value:
        found.append(item)
        if dataclasses.is_dataclass(item):
            for f in dataclasses.fields(item):
                held = getattr(item, f.name)
                if isinstance(held, dict | list):
                    found.extend(items(held))
    return found


def containers(budget: Budget) -> dict[str, Any]:
    """The budget's own lists and dicts (its scheme's document is never changed, and is shared)."""
    shared = ("_pending_events", "scheme_document")
    return {k: v for k, v in vars(budget).items() if isinstance(v, dict | list) and k not in shared}


def frozen(item: Any) -> bool:
    return bool(item.__dataclass_params__.frozen)


@pytest.mark.parametrize("cls", [*STATE_TYPES, *PLAN_STATE_TYPES, Commitment], ids=lambda c: c.__name__)
def test_every_kind_of_item_a_budget_holds_is_frozen(cls: type) -> None:
    assert frozen(cls)


def test_every_item_in_a_budget_in_every_kind_of_state_is_frozen() -> None:
    budget = a_budget_with_every_kind_of_state()
    held = [item for value in containers(budget).values() for item in items(value)]
    held += list(vars(budget).values())
    kept = [item for item in held if dataclasses.is_dataclass(item)]
    assert len(kept) > 20 and {type(item) for item in kept} >= set(STATE_TYPES) - {Figures}
    assert all(frozen(item) for item in kept), [type(i).__name__ for i in kept if not frozen(i)]


def test_a_copy_owns_its_lists_and_dicts_and_shares_their_items() -> None:
    budget = a_budget_with_every_kind_of_state()
    recorded(budget)
    copied = copy.deepcopy(budget)
    assert copied == budget and type(copied) is Budget
    for name, value in containers(budget).items():
        assert getattr(copied, name) is not value, name
        mine, theirs = items(value), items(getattr(copied, name))
        assert len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs, strict=True)), name
    assert copied.allocation is budget.allocation
    assert copied.scheme_document is budget.scheme_document  # so `pinned()` finds it without a fingerprint


def test_commands_on_a_copy_leave_the_budget_it_was_copied_from_as_it_was() -> None:
    budget = a_budget_with_every_kind_of_state()
    recorded(budget)
    before = state_of(budget)
    copied = copy.deepcopy(budget)
    copied.revise_allocation(CASEWORKER, {"social_care": money("1100.00")}, "less health")
    copied.reverse_spend(CASEWORKER, sorted(copied.spends)[0], "charged in error")
    copied.query_return(
        CASEWORKER, next(k for k, r in copied.returns.items() if r.status == "submitted"), "why"
    )
    trial = next(k for k, t in copied.trials.items() if t.status == "open")
    copied.record_trial_spend(BROKER, trial, "t-new", a_spend("10.00"))
    copied.conclude_trial(CASEWORKER, trial, "adopted", "it worked")
    copied.resolve_dispute(
        CASEWORKER,
        next(k for k, d in copied.disputes.items() if d.status == "open"),
        "not_upheld",
        "as agreed",
    )
    copied.schedule_instalment(CASEWORKER, money("10.00"), copied.period_start, gated=False)
    copied.cancel_instalment(CASEWORKER, len(copied.instalments), "not needed")
    assert len(recorded(copied)) == 8
    assert state_of(budget) == before
    assert copied != budget
