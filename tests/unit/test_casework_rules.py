"""Monitoring returns, disputes and reviews."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from tests.conftest import BROKER, CASEWORKER, FAMILY
from tests.unit.factories import (
    PERIOD_START,
    a_spend,
    an_accepted_return,
    closed_budget,
    funded_budget,
    money,
    recorded,
    refuses,
    submit_a_return,
)


# --- monitoring returns --------------------------------------------------------------
def test_a_return_is_submitted_with_its_declared_spend() -> None:
    budget = funded_budget()
    budget.collect_events()
    return_id = budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("250.00"), "PA hours")
    [submitted] = recorded(budget)
    assert isinstance(submitted, ev.MonitoringReturnSubmitted)
    assert (return_id, submitted.declared_spent, budget.returns[return_id].status) == (
        "R1",
        money("250.00"),
        "submitted",
    )


def test_returns_are_numbered_in_order() -> None:
    budget = funded_budget()
    assert [submit_a_return(budget) for _ in range(3)] == ["R1", "R2", "R3"]


def test_a_return_period_ends_no_earlier_than_it_starts() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidPeriod):
        budget.submit_return(FAMILY, date(2026, 9, 30), date(2026, 9, 29), money("0.00"), "")


def test_a_return_declares_a_non_negative_amount() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidAmount):
        budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("-1.00"), "")


def test_a_closed_budget_takes_no_return() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        submit_a_return(budget)


def test_an_accepted_return_is_recorded_as_accepted() -> None:
    budget = funded_budget()
    return_id = an_accepted_return(budget)
    assert budget.returns[return_id].status == "accepted"


def test_a_query_keeps_its_reason() -> None:
    budget = funded_budget()
    return_id = submit_a_return(budget)
    budget.collect_events()
    budget.query_return(CASEWORKER, return_id, "receipts missing")
    [queried] = recorded(budget)
    assert isinstance(queried, ev.MonitoringReturnQueried)
    assert queried.reason == budget.returns[return_id].query_reason == "receipts missing"


@pytest.mark.parametrize(
    ("first", "second"), [("accept", "accept"), ("accept", "query"), ("query", "accept"), ("query", "query")]
)
def test_a_return_is_decided_once(first: str, second: str) -> None:
    budget = funded_budget()
    return_id = submit_a_return(budget)
    decide(budget, first, return_id)
    with refuses(budget, errors.ReturnAlreadyDecided):
        decide(budget, second, return_id)


@pytest.mark.parametrize("decision", ["accept", "query"])
def test_deciding_an_unknown_return_is_not_found(decision: str) -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        decide(budget, decision, "R1")


def test_a_query_needs_a_reason() -> None:
    budget = funded_budget()
    return_id = submit_a_return(budget)
    with refuses(budget, errors.InvalidInput):
        budget.query_return(CASEWORKER, return_id, "  ")


@pytest.mark.parametrize("decision", ["accept", "query"])
def test_a_closed_budget_decides_no_return(decision: str) -> None:
    budget = funded_budget()
    return_id = submit_a_return(budget)
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    budget.close(CASEWORKER, "year end")
    with refuses(budget, errors.BudgetClosed):
        decide(budget, decision, return_id)


def decide(budget: Budget, decision: str, return_id: str) -> None:
    if decision == "accept":
        budget.accept_return(CASEWORKER, return_id)
    else:
        budget.query_return(CASEWORKER, return_id, "receipts missing")


# --- disputes ------------------------------------------------------------------------
def test_a_family_raises_a_dispute_about_a_spend() -> None:
    budget = funded_budget()
    budget.record_spend(BROKER, "s-1", a_spend())
    budget.collect_events()
    dispute_id = budget.raise_dispute(FAMILY, "spend", "we never had this", subject_ref="s-1")
    [raised] = recorded(budget)
    assert isinstance(raised, ev.DisputeRaised)
    assert (dispute_id, raised.subject_ref, budget.disputes[dispute_id].status) == ("D1", "s-1", "open")


def test_a_dispute_subject_is_one_of_the_design_words() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidChoice):
        budget.raise_dispute(FAMILY, "weather", "too rainy")


def test_a_dispute_needs_grounds() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidInput):
        budget.raise_dispute(FAMILY, "allocation", "")


@pytest.mark.parametrize(
    ("subject", "ref"),
    [("spend", "s-9"), ("monitoring_return", "R9"), ("instalment", "9"), ("instalment", "first")],
)
def test_a_dispute_about_something_that_does_not_exist_is_not_found(subject: str, ref: str) -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.raise_dispute(FAMILY, subject, "wrong", subject_ref=ref)


def test_a_dispute_may_name_an_existing_instalment_or_return() -> None:
    budget = funded_budget()
    return_id = submit_a_return(budget)
    assert budget.raise_dispute(FAMILY, "instalment", "late", subject_ref="1") == "D1"
    assert budget.raise_dispute(FAMILY, "monitoring_return", "lost", subject_ref=return_id) == "D2"


def test_a_family_may_still_raise_a_dispute_after_closure() -> None:
    budget = closed_budget()
    dispute_id = budget.raise_dispute(FAMILY, "allocation", "it was too low all year")
    budget.resolve_dispute(CASEWORKER, dispute_id, "not_upheld", "allocation was per the RAS")
    assert budget.disputes[dispute_id].status == "resolved"


def test_a_resolution_records_its_outcome() -> None:
    budget = funded_budget()
    dispute_id = budget.raise_dispute(FAMILY, "allocation", "too low")
    budget.collect_events()
    budget.resolve_dispute(CASEWORKER, dispute_id, "partly_upheld", "uplift of 100")
    [resolved] = recorded(budget)
    assert isinstance(resolved, ev.DisputeResolved)
    dispute = budget.disputes[dispute_id]
    assert (dispute.status, dispute.outcome, dispute.resolution) == (
        "resolved",
        "partly_upheld",
        "uplift of 100",
    )


def test_a_dispute_is_resolved_once() -> None:
    budget = funded_budget()
    dispute_id = budget.raise_dispute(FAMILY, "allocation", "too low")
    budget.resolve_dispute(CASEWORKER, dispute_id, "upheld", "uplift")
    with refuses(budget, errors.DisputeNotOpen):
        budget.resolve_dispute(CASEWORKER, dispute_id, "not_upheld", "changed our minds")


def test_a_resolution_outcome_is_one_of_the_design_words() -> None:
    budget = funded_budget()
    dispute_id = budget.raise_dispute(FAMILY, "allocation", "too low")
    with refuses(budget, errors.InvalidChoice):
        budget.resolve_dispute(CASEWORKER, dispute_id, "maybe", "we will see")


def test_a_resolution_needs_its_text() -> None:
    budget = funded_budget()
    dispute_id = budget.raise_dispute(FAMILY, "allocation", "too low")
    with refuses(budget, errors.InvalidInput):
        budget.resolve_dispute(CASEWORKER, dispute_id, "upheld", "")


def test_resolving_an_unknown_dispute_is_not_found() -> None:
    budget = funded_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.resolve_dispute(CASEWORKER, "D1", "upheld", "uplift")


# --- reviews -------------------------------------------------------------------------
def test_a_review_records_its_date_summary_and_next_due_date() -> None:
    budget = funded_budget()
    budget.review(CASEWORKER, date(2026, 10, 1), "outcomes met", date(2027, 4, 1))
    [review] = budget.reviews
    assert (review.reviewed_on, review.summary, review.next_review_due) == (
        date(2026, 10, 1),
        "outcomes met",
        date(2027, 4, 1),
    )


@pytest.mark.parametrize("next_due", [date(2026, 10, 1), date(2026, 9, 1)])
def test_the_next_review_falls_after_this_one(next_due: date) -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidPeriod):
        budget.review(CASEWORKER, date(2026, 10, 1), "outcomes met", next_due)


def test_a_review_needs_a_summary() -> None:
    budget = funded_budget()
    with refuses(budget, errors.InvalidInput):
        budget.review(CASEWORKER, date(2026, 10, 1), "", date(2027, 4, 1))


def test_a_closed_budget_is_not_reviewed() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.review(CASEWORKER, date(2026, 10, 1), "outcomes met", date(2027, 4, 1))
