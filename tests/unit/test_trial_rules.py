"""Virtual-budget trials: spends like real ones, within the virtual amount, never touching real money."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from tests.conftest import BROKER, CASEWORKER
from tests.unit.factories import (
    PERIOD_END,
    a_spend,
    closed_budget,
    funded_budget,
    money,
    new_budget,
    recorded,
    refuses,
)


def with_a_trial(virtual: str = "500.00") -> tuple[Budget, str]:
    budget = funded_budget(released="600.00")
    trial_id = budget.start_trial(CASEWORKER, "PA hours pilot", money(virtual), money("650.00"))
    return budget, trial_id


def real_figures(budget: Budget) -> tuple[object, ...]:
    return (
        budget.allocated,
        budget.scheduled,
        budget.released,
        budget.spent,
        budget.recovered,
        budget.available,
        dict(budget.spends),
    )


def test_a_trial_starts_open_with_its_virtual_amount_and_baseline() -> None:
    budget, trial_id = with_a_trial("500.00")
    trial = budget.trials[trial_id]
    assert (trial_id, trial.status, trial.virtual_amount, trial.baseline_cost, trial.spent) == (
        "T1",
        "open",
        500,
        650,
        0,
    )


def test_a_trial_may_start_on_a_budget_not_yet_allocated() -> None:
    budget = new_budget()
    assert budget.start_trial(CASEWORKER, "early pilot", money("100.00"), money("0.00")) == "T1"


def test_trial_spends_never_change_released_spent_or_available() -> None:
    budget, trial_id = with_a_trial("500.00")
    before = real_figures(budget)
    budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("300.00"))
    budget.record_trial_spend(BROKER, trial_id, "t-2", a_spend("200.00"))
    assert real_figures(budget) == before
    assert budget.trials[trial_id].spent == 500


def test_a_trial_spend_event_carries_its_trial() -> None:
    budget, trial_id = with_a_trial()
    budget.collect_events()
    budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("30.00", units=money("2"), unit="sessions"))
    [event] = recorded(budget)
    assert isinstance(event, ev.TrialSpendRecorded)
    assert (event.trial_id, event.spend_id, event.amount, event.unit) == (
        trial_id,
        "t-1",
        money("30.00"),
        "sessions",
    )


def test_trial_spends_stay_within_the_virtual_amount() -> None:
    budget, trial_id = with_a_trial("500.00")
    budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("400.00"))
    with refuses(budget, errors.TrialBudgetExceeded):
        budget.record_trial_spend(BROKER, trial_id, "t-2", a_spend("100.01"))


def test_a_trial_may_spend_more_than_the_real_budget_has_available() -> None:
    budget, trial_id = with_a_trial("5000.00")
    budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("4000.00"))
    assert budget.available == 600


def test_a_concluded_trial_records_no_more_spends() -> None:
    budget, trial_id = with_a_trial()
    budget.conclude_trial(CASEWORKER, trial_id, "adopted", "family liked it")
    with refuses(budget, errors.TrialNotOpen):
        budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend())


def test_a_trial_spend_on_an_unknown_trial_is_not_found() -> None:
    budget, _ = with_a_trial()
    with refuses(budget, errors.ItemNotFound):
        budget.record_trial_spend(BROKER, "T9", "t-1", a_spend())


def test_a_trial_spend_service_date_lies_within_the_period() -> None:
    budget, trial_id = with_a_trial()
    with refuses(budget, errors.ServiceDateOutsidePeriod):
        budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend(service_date=PERIOD_END + timedelta(1)))


def test_a_trial_spend_replayed_with_the_same_body_records_nothing() -> None:
    budget, trial_id = with_a_trial()
    first = budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("30.00"))
    budget.collect_events()
    assert budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("30.00")) == first
    assert budget.pending_events == []


def test_a_trial_spend_key_reused_with_another_body_is_refused() -> None:
    budget, trial_id = with_a_trial()
    budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("30.00"))
    with refuses(budget, errors.IdempotencyKeyReused):
        budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend("31.00"))


def test_a_malformed_trial_spend_is_refused() -> None:
    budget, trial_id = with_a_trial()
    with refuses(budget, errors.InvalidChoice):
        budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend(category="holidays"))


def test_a_closed_budget_records_no_trial_spend() -> None:
    budget, trial_id = with_a_trial()
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    budget.close(CASEWORKER, "year end")
    with refuses(budget, errors.BudgetClosed):
        budget.record_trial_spend(BROKER, trial_id, "t-1", a_spend())


@pytest.mark.parametrize(
    ("virtual", "baseline"),
    [("0.00", "100.00"), ("-1.00", "100.00"), ("100.00", "-1.00"), ("100.001", "1.00")],
)
def test_a_trial_has_a_positive_virtual_amount_and_a_non_negative_baseline(
    virtual: str, baseline: str
) -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidAmount):
        budget.start_trial(CASEWORKER, "pilot", money(virtual), money(baseline))


def test_a_trial_needs_a_name() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidInput):
        budget.start_trial(CASEWORKER, "", money("100.00"), money("0.00"))


def test_a_closed_budget_starts_no_trial() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.start_trial(CASEWORKER, "pilot", money("100.00"), money("0.00"))


# --- concluding --------------------------------------------------------------------
@pytest.mark.parametrize("outcome", ["adopted", "abandoned"])
def test_a_trial_ends_adopted_or_abandoned(outcome: str) -> None:
    budget, trial_id = with_a_trial()
    budget.collect_events()
    budget.conclude_trial(CASEWORKER, trial_id, outcome, "notes")
    [concluded] = recorded(budget)
    assert isinstance(concluded, ev.TrialConcluded)
    assert budget.trials[trial_id].status == concluded.outcome == outcome


def test_a_trial_is_concluded_once() -> None:
    budget, trial_id = with_a_trial()
    budget.conclude_trial(CASEWORKER, trial_id, "abandoned", "notes")
    with refuses(budget, errors.TrialNotOpen):
        budget.conclude_trial(CASEWORKER, trial_id, "adopted", "changed our minds")


def test_a_trial_outcome_is_one_of_the_design_words() -> None:
    budget, trial_id = with_a_trial()
    with refuses(budget, errors.InvalidChoice):
        budget.conclude_trial(CASEWORKER, trial_id, "paused", "notes")


def test_concluding_an_unknown_trial_is_not_found() -> None:
    budget, _ = with_a_trial()
    with refuses(budget, errors.ItemNotFound):
        budget.conclude_trial(CASEWORKER, "T7", "adopted", "notes")


def test_a_closed_budget_concludes_no_trial() -> None:
    budget, trial_id = with_a_trial()
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    budget.close(CASEWORKER, "year end")
    with refuses(budget, errors.BudgetClosed):
        budget.conclude_trial(CASEWORKER, trial_id, "adopted", "after closure")
