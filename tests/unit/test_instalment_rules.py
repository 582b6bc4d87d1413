"""Instalments: scheduled within the allocation, released once while active, gated on a fresh return."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from tests.conftest import CASEWORKER
from tests.unit.factories import (
    PERIOD_START,
    allocated_budget,
    an_accepted_return,
    closed_budget,
    funded_budget,
    money,
    new_budget,
    recorded,
    refuses,
    submit_a_return,
)

SECOND_HALF = date(2026, 10, 1)


def with_gated_second_instalment() -> Budget:
    """The Wiltshire pattern: 600 a year, 300 now, 300 once the monitoring form is back."""
    budget = funded_budget("600.00", released="300.00")
    budget.schedule_instalment(CASEWORKER, money("300.00"), SECOND_HALF, gated=True)
    return budget


# --- scheduling -------------------------------------------------------------------
def test_instalments_are_numbered_in_order() -> None:
    budget = allocated_budget("1000.00")
    numbers = [
        budget.schedule_instalment(CASEWORKER, money("250.00"), PERIOD_START, gated=False) for _ in range(4)
    ]
    assert numbers == [1, 2, 3, 4]
    assert budget.scheduled == budget.allocated


def test_scheduling_needs_a_decided_allocation() -> None:
    budget = new_budget()
    with refuses(budget, errors.AllocationNotDecided):
        budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)


def test_instalments_may_not_add_up_to_more_than_the_allocation() -> None:
    budget = allocated_budget("1000.00")
    budget.schedule_instalment(CASEWORKER, money("600.00"), PERIOD_START, gated=False)
    with refuses(budget, errors.ScheduleExceedsAllocation):
        budget.schedule_instalment(CASEWORKER, money("400.01"), SECOND_HALF, gated=True)


def test_a_cancelled_instalment_frees_its_share_of_the_allocation() -> None:
    budget = allocated_budget("1000.00")
    budget.schedule_instalment(CASEWORKER, money("1000.00"), PERIOD_START, gated=False)
    budget.cancel_instalment(CASEWORKER, 1, "replanned")
    assert budget.schedule_instalment(CASEWORKER, money("1000.00"), PERIOD_START, gated=False) == 2


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1.005"])
def test_an_instalment_amount_is_above_zero_with_two_places(amount: str) -> None:
    budget = allocated_budget()
    with refuses(budget, errors.InvalidAmount):
        budget.schedule_instalment(CASEWORKER, money(amount), PERIOD_START, gated=False)


def test_a_closed_budget_schedules_nothing() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)


# --- releasing --------------------------------------------------------------------
def test_releasing_an_instalment_makes_its_amount_available() -> None:
    budget = allocated_budget("1000.00")
    budget.schedule_instalment(CASEWORKER, money("400.00"), PERIOD_START, gated=False)
    budget.release_instalment(CASEWORKER, 1)
    assert (budget.released, budget.available, budget.unreleased) == (400, 400, 600)
    assert budget.instalments[0].status == "released"


@pytest.mark.parametrize("number", [0, 2, -1])
def test_releasing_an_unknown_instalment_is_not_found(number: int) -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.release_instalment(CASEWORKER, number)


def test_an_instalment_is_released_once() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InstalmentNotPending):
        budget.release_instalment(CASEWORKER, 1)


def test_a_cancelled_instalment_cannot_be_released() -> None:
    budget = allocated_budget()
    budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)
    budget.cancel_instalment(CASEWORKER, 1, "not needed")
    with refuses(budget, errors.InstalmentNotPending):
        budget.release_instalment(CASEWORKER, 1)


def test_a_suspended_budget_releases_nothing() -> None:
    budget = allocated_budget()
    budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)
    budget.suspend(CASEWORKER, "family abroad")
    with refuses(budget, errors.BudgetNotActive):
        budget.release_instalment(CASEWORKER, 1)


def test_a_closed_budget_releases_nothing() -> None:
    budget = allocated_budget()
    budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)
    budget.close(CASEWORKER, "family moved away")
    with refuses(budget, errors.BudgetNotActive):
        budget.release_instalment(CASEWORKER, 1)


# --- the gate -----------------------------------------------------------------------
def test_gated_instalment_waits_for_an_accepted_return() -> None:
    budget = with_gated_second_instalment()
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)


def test_a_submitted_but_undecided_return_does_not_open_the_gate() -> None:
    budget = with_gated_second_instalment()
    submit_a_return(budget)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)


def test_gated_release_succeeds_once_a_return_submitted_since_the_last_release_is_accepted() -> None:
    budget = with_gated_second_instalment()
    an_accepted_return(budget)
    budget.collect_events()
    budget.release_instalment(CASEWORKER, 2)
    [released] = recorded(budget)
    assert isinstance(released, ev.InstalmentReleased)
    assert (released.number, budget.released) == (2, 600)


def test_a_return_accepted_before_the_previous_release_does_not_open_the_next_gate() -> None:
    budget = allocated_budget("600.00")
    budget.schedule_instalment(CASEWORKER, money("300.00"), PERIOD_START, gated=False)
    budget.schedule_instalment(CASEWORKER, money("300.00"), SECOND_HALF, gated=True)
    an_accepted_return(budget)
    budget.release_instalment(CASEWORKER, 1)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)


def test_one_accepted_return_opens_the_gate_for_one_release_only() -> None:
    budget = with_gated_second_instalment()
    budget.revise_allocation(CASEWORKER, {"social_care": money("900.00")}, "uplift")
    budget.schedule_instalment(CASEWORKER, money("300.00"), date(2027, 1, 1), gated=True)
    an_accepted_return(budget)
    budget.release_instalment(CASEWORKER, 2)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 3)
    an_accepted_return(budget)
    budget.release_instalment(CASEWORKER, 3)
    assert budget.released == 900


def test_a_return_submitted_before_the_last_release_and_accepted_after_it_is_not_fresh() -> None:
    budget = allocated_budget("600.00")
    budget.schedule_instalment(CASEWORKER, money("300.00"), PERIOD_START, gated=False)
    budget.schedule_instalment(CASEWORKER, money("300.00"), SECOND_HALF, gated=True)
    early = submit_a_return(budget)
    budget.release_instalment(CASEWORKER, 1)
    budget.accept_return(CASEWORKER, early)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)


def test_a_queried_return_does_not_open_the_gate_until_a_new_submission_is_accepted() -> None:
    budget = with_gated_second_instalment()
    queried = submit_a_return(budget)
    budget.query_return(CASEWORKER, queried, "receipts missing")
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)
    resubmitted = submit_a_return(budget)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)
    budget.accept_return(CASEWORKER, resubmitted)
    budget.release_instalment(CASEWORKER, 2)
    assert budget.instalments[1].status == "released"


def test_an_accepted_return_does_not_release_a_gated_instalment_of_a_suspended_budget() -> None:
    budget = with_gated_second_instalment()
    an_accepted_return(budget)
    budget.suspend(CASEWORKER, "family abroad")
    with refuses(budget, errors.BudgetNotActive):
        budget.release_instalment(CASEWORKER, 2)


# --- cancelling ---------------------------------------------------------------------
def test_a_cancellation_keeps_its_reason() -> None:
    budget = with_gated_second_instalment()
    budget.collect_events()
    budget.cancel_instalment(CASEWORKER, 2, "family declined")
    [cancelled] = recorded(budget)
    assert isinstance(cancelled, ev.InstalmentCancelled)
    assert (cancelled.number, cancelled.reason, budget.instalments[1].note) == (
        2,
        "family declined",
        "family declined",
    )
    assert budget.scheduled == 300


def test_a_released_instalment_cannot_be_cancelled() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InstalmentNotPending):
        budget.cancel_instalment(CASEWORKER, 1, "too late")


def test_an_instalment_is_cancelled_once() -> None:
    budget = with_gated_second_instalment()
    budget.cancel_instalment(CASEWORKER, 2, "family declined")
    with refuses(budget, errors.InstalmentNotPending):
        budget.cancel_instalment(CASEWORKER, 2, "again")


def test_cancelling_an_unknown_instalment_is_not_found() -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.cancel_instalment(CASEWORKER, 7, "no such")


def test_a_cancellation_needs_a_reason() -> None:
    budget = with_gated_second_instalment()
    with refuses(budget, errors.InvalidInput):
        budget.cancel_instalment(CASEWORKER, 2, "")


def test_a_closed_budget_cancels_nothing() -> None:
    budget = allocated_budget()
    budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, gated=False)
    budget.close(CASEWORKER, "family moved away")
    with refuses(budget, errors.BudgetClosed):
        budget.cancel_instalment(CASEWORKER, 1, "closed anyway")
