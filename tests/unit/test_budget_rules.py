"""Opening, status and closure, and what every event carries (actor, reason).

The money rules live beside this file: allocation and instalments, spending,
trials, casework. Each refusal is checked with `refuses`: the named error, no
event recorded, state unchanged.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from tests.conftest import ADMIN, BROKER, CASEWORKER, FAMILY
from tests.unit.factories import (
    PERIOD_START,
    a_budget_with_every_event,
    a_spend,
    allocated_budget,
    closed_budget,
    funded_budget,
    money,
    new_budget,
    recorded,
    refuses,
)


# --- opening -------------------------------------------------------------------
def test_opening_records_the_budget_and_its_opener() -> None:
    budget = new_budget(reference="BH-2026-0017", cohort=None, broker_org=None)
    [opened] = recorded(budget)
    assert isinstance(opened, ev.BudgetOpened)
    assert (opened.reference, opened.actor_id, opened.actor_role) == ("BH-2026-0017", "cw-1", "caseworker")
    assert (budget.status, budget.allocated, budget.available) == ("open", 0, 0)


@pytest.mark.parametrize("days", [0, -1, -365])
def test_a_period_must_end_after_it_starts(days: int) -> None:
    with pytest.raises(errors.InvalidPeriod):
        new_budget(period_end=PERIOD_START + timedelta(days=days))


def test_a_one_day_period_is_allowed() -> None:
    assert new_budget(period_end=PERIOD_START + timedelta(days=1)).period_end == date(2026, 4, 2)


def test_the_management_option_is_one_of_the_design_words() -> None:
    with pytest.raises(errors.InvalidChoice):
        new_budget(management="cash_in_hand")


@pytest.mark.parametrize("field", ["reference", "family_ref"])
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_budget_needs_a_reference_and_a_family_reference(field: str, blank: str) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        new_budget(**{field: blank})
    assert type(info.value) is errors.InvalidInput


# --- suspension and resumption ----------------------------------------------------
def test_an_active_budget_suspends_and_resumes() -> None:
    budget = funded_budget()
    budget.suspend(CASEWORKER, "family abroad")
    assert budget.status == "suspended"
    budget.resume(CASEWORKER, "family back")
    assert budget.status == "active"


def test_an_open_budget_cannot_be_suspended() -> None:
    budget = new_budget()
    with refuses(budget, errors.InvalidStatusTransition):
        budget.suspend(CASEWORKER, "no allocation yet")


def test_a_suspended_budget_cannot_be_suspended_again() -> None:
    budget = funded_budget()
    budget.suspend(CASEWORKER, "family abroad")
    with refuses(budget, errors.InvalidStatusTransition):
        budget.suspend(CASEWORKER, "still abroad")


def test_only_a_suspended_budget_resumes() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidStatusTransition):
        budget.resume(CASEWORKER, "was never suspended")


def test_a_closed_budget_neither_suspends_nor_resumes() -> None:
    budget = closed_budget()
    with refuses(budget, errors.InvalidStatusTransition):
        budget.suspend(CASEWORKER, "too late")
    with refuses(budget, errors.InvalidStatusTransition):
        budget.resume(CASEWORKER, "too late")


@pytest.mark.parametrize("command", ["suspend", "resume", "close"])
def test_status_changes_need_a_reason(command: str) -> None:
    budget = funded_budget()
    if command == "resume":
        budget.suspend(CASEWORKER, "family abroad")
    with refuses(budget, errors.InvalidInput):
        getattr(budget, command)(CASEWORKER, " ")


# --- closure -------------------------------------------------------------------------
def test_a_budget_with_money_available_cannot_close() -> None:
    budget = funded_budget()
    with refuses(budget, errors.FundsRemaining):
        budget.close(CASEWORKER, "year end")


def test_a_budget_closes_once_its_surplus_is_recovered() -> None:
    budget = funded_budget()
    budget.recover_surplus(CASEWORKER, budget.available - money("0.01"), "year end")
    with refuses(budget, errors.FundsRemaining):
        budget.close(CASEWORKER, "a penny left")
    budget.recover_surplus(CASEWORKER, money("0.01"), "the last penny")
    budget.close(CASEWORKER, "year end")
    assert (budget.status, budget.available) == ("closed", 0)


def test_a_budget_with_nothing_released_may_close() -> None:
    budget = allocated_budget()
    budget.close(CASEWORKER, "family moved away")
    assert budget.status == "closed"


def test_a_closed_budget_cannot_close_again() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.close(CASEWORKER, "again")


# --- what every event carries ----------------------------------------------------------
def test_every_event_records_who_did_it() -> None:
    events = recorded(a_budget_with_every_event())
    roles = {e.actor_role for e in events}
    assert roles == {CASEWORKER.role, BROKER.role, FAMILY.role, ADMIN.role}  # an admin erases text
    actors = {(a.id, a.role) for a in (CASEWORKER, BROKER, FAMILY, ADMIN)}
    assert all((e.actor_id, e.actor_role) in actors for e in events)


def test_an_event_names_the_actor_of_its_own_command() -> None:
    budget = funded_budget()
    budget.collect_events()
    budget.record_spend(BROKER, "s", a_spend())
    budget.raise_dispute(FAMILY, "spend", "not ours", subject_ref="s")
    spend, dispute = recorded(budget)
    assert (spend.actor_id, spend.actor_role) == ("brk-1", "broker")
    assert (dispute.actor_id, dispute.actor_role) == ("fam-1", "family")


CORRECTIONS = {
    ev.AllocationRevised: "review uplift",
    ev.InstalmentCancelled: "not needed",
    ev.SpendReversed: "charged twice",
    ev.MonitoringReturnQueried: "receipts missing",
    ev.SurplusRecovered: "underspend",
    ev.BudgetSuspended: "family abroad",
    ev.BudgetResumed: "family back",
    ev.BudgetClosed: "year end",
}


def test_every_correction_carries_its_reason() -> None:
    found: dict[type, list[Any]] = {}
    for event in recorded(a_budget_with_every_event()):
        found.setdefault(type(event), []).append(event.reason if hasattr(event, "reason") else None)
    for event_class, reason in CORRECTIONS.items():
        assert reason in found[event_class], event_class.__name__


def test_events_are_stamped_with_increasing_versions_and_times() -> None:
    events = recorded(a_budget_with_every_event())
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    assert all(a.timestamp <= b.timestamp for a, b in itertools.pairwise(events))


# --- every rule the aggregate enforces has its refusal test --------------------------------
RAISED = re.compile(r"(?:errors\.|raise )(\w+)\(")


def test_every_error_the_budget_raises_is_shown_refusing_a_command() -> None:
    here = Path(__file__).parent
    ledger = here.parents[1] / "ledger"
    budget_modules = ("base", "allocation", "spending", "casework", "vocabulary")
    sources = [*(ledger / "aggregates" / f"{m}.py" for m in budget_modules), ledger / "money.py"]
    error_names = {name for name, obj in vars(errors).items() if isinstance(obj, type)}
    raised = {name for path in sources for name in RAISED.findall(path.read_text())} & error_names
    shown = "".join(path.read_text() for path in here.glob("test_*_rules.py"))
    assert len(raised) > 20
    assert sorted(n for n in raised if f"refuses(budget, errors.{n})" not in shown) == []
