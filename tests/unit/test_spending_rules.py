"""Spends, reversals and surplus recovery: only released money, once per key, within the period."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from tests.conftest import BROKER, CASEWORKER
from tests.unit.factories import (
    PERIOD_END,
    PERIOD_START,
    a_spend,
    allocated_budget,
    closed_budget,
    funded_budget,
    money,
    new_budget,
    recorded,
    refuses,
)


# --- recording ---------------------------------------------------------------------
def test_a_spend_comes_out_of_the_available_funds() -> None:
    budget = funded_budget(released="600.00")
    budget.collect_events()
    spend = budget.record_spend(BROKER, "s-1", a_spend("150.00", units=money("10"), unit="hours"))
    [event] = recorded(budget)
    assert isinstance(event, ev.SpendRecorded)
    assert (event.spend_id, event.amount, event.units, event.unit) == (
        "s-1",
        money("150.00"),
        money("10.00"),
        "hours",
    )
    assert (budget.spent, budget.available, budget.released) == (150, 450, 600)
    assert spend is budget.spends["s-1"]


def test_a_spend_may_use_exactly_the_available_funds() -> None:
    budget = funded_budget(released="600.00")
    budget.record_spend(BROKER, "s-1", a_spend("600.00"))
    assert budget.available == 0


def test_a_spend_may_not_exceed_the_available_funds() -> None:
    budget = funded_budget(allocated="1000.00", released="600.00")
    with refuses(budget, errors.InsufficientFunds):
        budget.record_spend(BROKER, "s-1", a_spend("600.01"))


def test_unreleased_allocation_is_not_available_to_spend() -> None:
    budget = allocated_budget("1000.00")
    with refuses(budget, errors.InsufficientFunds):
        budget.record_spend(BROKER, "s-1", a_spend("0.01"))


def test_an_open_budget_without_an_allocation_records_no_spend() -> None:
    budget = new_budget()
    with refuses(budget, errors.BudgetNotActive):
        budget.record_spend(BROKER, "s-1", a_spend())


def test_a_suspended_budget_records_no_spend() -> None:
    budget = funded_budget()
    budget.suspend(CASEWORKER, "family abroad")
    with refuses(budget, errors.BudgetNotActive):
        budget.record_spend(BROKER, "s-1", a_spend())


def test_a_closed_budget_records_no_spend() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetNotActive):
        budget.record_spend(BROKER, "s-1", a_spend())


@pytest.mark.parametrize("amount", [money("0.00"), money("-10.00"), money("10.001"), 10.0, "ten"])
def test_a_spend_amount_is_an_exact_decimal_above_zero_with_two_places(amount: Any) -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidAmount):
        budget.record_spend(BROKER, "s-1", dataclasses.replace(a_spend(), amount=amount))


@pytest.mark.parametrize("service_date", [PERIOD_START - timedelta(days=1), PERIOD_END + timedelta(days=1)])
def test_a_spend_service_date_lies_within_the_period(service_date: Any) -> None:
    budget = funded_budget()
    with refuses(budget, errors.ServiceDateOutsidePeriod):
        budget.record_spend(BROKER, "s-1", a_spend(service_date=service_date))


@pytest.mark.parametrize("service_date", [PERIOD_START, PERIOD_END])
def test_the_first_and_last_days_of_the_period_are_within_it(service_date: Any) -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend(service_date=service_date))
    assert budget.spends["s-1"].service_date == service_date


def test_a_spend_charged_to_a_stream_needs_an_allocation_from_that_stream() -> None:
    budget = funded_budget()
    with refuses(budget, errors.StreamNotAllocated):
        budget.record_spend(BROKER, "s-1", a_spend(funding_stream="education"))


def test_a_spend_may_be_charged_to_an_allocated_stream() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend(funding_stream="social_care"))
    assert budget.spends["s-1"].funding_stream == "social_care"


def test_a_stream_allocated_nothing_cannot_be_charged() -> None:
    budget = new_budget()
    budget.decide_allocation(CASEWORKER, {"social_care": money("600.00"), "health": money("0.00")}, "panel")
    budget.schedule_instalment(CASEWORKER, money("600.00"), PERIOD_START, gated=False)
    budget.release_instalment(CASEWORKER, 1)
    with refuses(budget, errors.StreamNotAllocated):
        budget.record_spend(BROKER, "s-1", a_spend(funding_stream="health"))


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"category": "holidays"}, errors.InvalidChoice),
        ({"funding_stream": "lottery"}, errors.InvalidChoice),
        ({"units": money("3"), "unit": "fortnights"}, errors.InvalidChoice),
        ({"units": money("3")}, errors.InvalidInput),
        ({"unit": "hours"}, errors.InvalidInput),
        ({"units": money("0"), "unit": "hours"}, errors.InvalidAmount),
        ({"provider": "  "}, errors.InvalidInput),
    ],
    ids=["category", "stream", "unit", "units-without-unit", "unit-without-units", "zero-units", "provider"],
)
def test_a_malformed_spend_is_refused(overrides: dict[str, Any], error: type[Exception]) -> None:
    budget = funded_budget()
    with refuses(budget, error):
        budget.record_spend(BROKER, "s-1", a_spend(**overrides))


# --- idempotency ---------------------------------------------------------------------
def test_the_same_key_and_body_again_returns_the_recorded_spend_and_records_nothing() -> None:
    budget = funded_budget()
    first = budget.record_spend(BROKER, "s-1", a_spend("50.00"))
    budget.collect_events()
    again = budget.record_spend(BROKER, "s-1", a_spend("50"))
    assert again == first
    assert (budget.pending_events, budget.spent) == ([], 50)


def test_a_replay_is_answered_even_after_the_budget_is_suspended() -> None:
    budget = funded_budget()
    first = budget.record_spend(BROKER, "s-1", a_spend("50.00"))
    budget.suspend(CASEWORKER, "family abroad")
    budget.collect_events()
    assert budget.record_spend(BROKER, "s-1", a_spend("50.00")) == first
    assert budget.pending_events == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": money("60.00")},
        {"provider": "Other Co"},
        {"description": "other"},
        {"funding_stream": "social_care"},
    ],
)
def test_the_same_key_with_another_body_is_refused(overrides: dict[str, Any]) -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend("50.00"))
    with refuses(budget, errors.IdempotencyKeyReused):
        budget.record_spend(BROKER, "s-1", a_spend(**{"amount": money("50.00"), **overrides}))


# --- reversal ---------------------------------------------------------------------
def test_a_reversal_restores_the_available_funds() -> None:
    budget = funded_budget(released="600.00")
    budget.record_spend(BROKER, "s-1", a_spend("250.00"))
    budget.collect_events()
    budget.reverse_spend(CASEWORKER, "s-1", "charged in error")
    [reversed_] = recorded(budget)
    assert isinstance(reversed_, ev.SpendReversed)
    assert (reversed_.reason, budget.spent, budget.available) == ("charged in error", 0, 600)
    assert budget.spends["s-1"].reversed


def test_a_reversal_may_name_the_dispute_it_settles() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend())
    dispute = budget.raise_dispute(CASEWORKER, "spend", "not ours", subject_ref="s-1")
    budget.collect_events()
    budget.reverse_spend(CASEWORKER, "s-1", "dispute upheld", dispute_id=dispute)
    assert recorded(budget)[0].dispute_id == dispute


def test_a_spend_is_reversed_at_most_once() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend())
    budget.reverse_spend(CASEWORKER, "s-1", "charged in error")
    with refuses(budget, errors.SpendAlreadyReversed):
        budget.reverse_spend(CASEWORKER, "s-1", "again")


def test_reversing_an_unknown_spend_is_not_found() -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.reverse_spend(CASEWORKER, "nope", "charged in error")


def test_a_reversal_needs_a_reason() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend())
    with refuses(budget, errors.InvalidInput):
        budget.reverse_spend(CASEWORKER, "s-1", "")


def test_a_reversal_naming_an_unknown_dispute_is_not_found() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend())
    with refuses(budget, errors.ItemNotFound):
        budget.reverse_spend(CASEWORKER, "s-1", "dispute upheld", dispute_id="D1")


def test_a_closed_budget_reverses_nothing() -> None:
    budget = funded_budget(released="600.00")
    budget.record_spend(BROKER, "s-1", a_spend("600.00"))
    budget.close(CASEWORKER, "all spent")
    with refuses(budget, errors.BudgetClosed):
        budget.reverse_spend(CASEWORKER, "s-1", "late correction")


# --- surplus recovery ------------------------------------------------------------------
def test_a_recovery_reduces_the_available_funds() -> None:
    budget = funded_budget(released="600.00")
    budget.collect_events()
    budget.recover_surplus(CASEWORKER, money("200.00"), "underspend")
    [recovered] = recorded(budget)
    assert isinstance(recovered, ev.SurplusRecovered)
    assert (recovered.amount, recovered.reason) == (money("200.00"), "underspend")
    assert (budget.recovered, budget.available, budget.released) == (200, 400, 600)


def test_a_recovery_may_not_exceed_the_available_funds() -> None:
    budget = funded_budget(released="600.00")
    budget.record_spend(BROKER, "s-1", a_spend("100.00"))
    with refuses(budget, errors.InsufficientFunds):
        budget.recover_surplus(CASEWORKER, money("500.01"), "too much")


def test_a_recovery_needs_a_decided_allocation() -> None:
    budget = new_budget()
    with refuses(budget, errors.AllocationNotDecided):
        budget.recover_surplus(CASEWORKER, money("1.00"), "nothing to recover")


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_a_recovery_is_above_zero(amount: str) -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidAmount):
        budget.recover_surplus(CASEWORKER, money(amount), "underspend")


def test_a_recovery_needs_a_reason() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidInput):
        budget.recover_surplus(CASEWORKER, money("1.00"), " ")


def test_a_closed_budget_recovers_nothing() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.recover_surplus(CASEWORKER, money("1.00"), "again")
