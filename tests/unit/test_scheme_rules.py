"""The rules a budget scheme sets, on the bare aggregate: each refused by name, recording nothing,
and the same command allowed where the scheme allows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from ledger.aggregates.state import ReturnLine
from ledger.schemes import BudgetScheme, builtin_schemes, parse
from tests.builders import a_spend
from tests.conftest import BROKER, CASEWORKER, FAMILY
from tests.unit.factories import PERIOD_START, money, new_budget, recorded, refuses, submit_a_return

WILTSHIRE = builtin_schemes()["wiltshire-short-breaks@1"]


def a_scheme(**rules: Any) -> BudgetScheme:
    return parse({"id": "test-scheme", "version": 1, "title": "a scheme for one test", **rules})


def under(scheme: BudgetScheme, **overrides: Any) -> Budget:
    return new_budget(scheme=scheme, **overrides)


def wiltshire_budget(allocated: str = "600.00") -> Budget:
    budget = under(WILTSHIRE)
    budget.decide_allocation(CASEWORKER, {"social_care": money(allocated)}, "flat rate")
    return budget


def funded_under(scheme: BudgetScheme, allocated: str = "1000.00") -> Budget:
    budget = under(scheme)
    budget.decide_allocation(CASEWORKER, {"social_care": money(allocated)}, "agreed")
    budget.release_instalment(
        CASEWORKER, budget.schedule_instalment(CASEWORKER, money(allocated), PERIOD_START, False)
    )
    return budget


# --- pinning --------------------------------------------------------------------------
def test_a_budget_pins_its_scheme_and_the_whole_document_when_it_opens() -> None:
    budget = under(WILTSHIRE)
    (opened,) = recorded(budget)
    assert isinstance(opened, ev.BudgetOpened)
    assert (opened.scheme_id, opened.scheme_version) == ("wiltshire-short-breaks", 1)
    assert parse(opened.scheme).fingerprint == WILTSHIRE.fingerprint
    assert budget.scheme == WILTSHIRE


def test_a_budget_opened_without_a_scheme_gets_the_default() -> None:
    assert new_budget().scheme.id == "local-individual-budget"


def test_management_outside_the_scheme_is_refused_at_opening() -> None:
    budget = new_budget()
    with refuses(budget, errors.ManagementNotAllowed) as refused:
        under(WILTSHIRE, management="managed_account")
    assert "direct_payment" in str(refused.value)
    assert under(WILTSHIRE, management="direct_payment").scheme == WILTSHIRE


# --- the allocation maximum -----------------------------------------------------------------
def test_an_allocation_above_the_scheme_maximum_is_refused_naming_the_figure() -> None:
    budget = under(WILTSHIRE)
    with refuses(budget, errors.AllocationAboveSchemeMaximum) as refused:
        budget.decide_allocation(CASEWORKER, {"social_care": money("600.01")}, "too much")
    assert "600.00" in str(refused.value)
    budget.decide_allocation(CASEWORKER, {"social_care": money("600.00")}, "flat rate")
    assert budget.allocated == money("600.00")


def test_a_revision_above_the_scheme_maximum_is_refused() -> None:
    budget = wiltshire_budget("500.00")
    with refuses(budget, errors.AllocationAboveSchemeMaximum):
        budget.revise_allocation(CASEWORKER, {"social_care": money("5000.00")}, "uplift")
    budget.revise_allocation(CASEWORKER, {"social_care": money("600.00")}, "uplift")
    assert budget.allocated == money("600.00")


def test_the_default_scheme_has_no_maximum() -> None:
    budget = new_budget()
    budget.decide_allocation(CASEWORKER, {"social_care": money("50000.00")}, "complex needs")
    assert budget.allocated == money("50000.00")


# --- the instalment pattern and the gate ---------------------------------------------------
def test_deciding_a_wiltshire_allocation_schedules_two_equal_halves_the_second_gated() -> None:
    budget = wiltshire_budget("600.00")
    assert [(i.amount, i.due_on, i.gated) for i in budget.instalments] == [
        (money("300.00"), date(2026, 4, 1), False),
        (money("300.00"), date(2026, 10, 1), True),
    ]


def test_odd_pennies_go_to_the_last_instalment() -> None:
    budget = wiltshire_budget("333.33")
    assert [i.amount for i in budget.instalments] == [money("166.66"), money("166.67")]


def test_a_scheme_that_sets_the_instalments_refuses_one_by_hand() -> None:
    budget = wiltshire_budget()
    with refuses(budget, errors.InstalmentsSetByScheme):
        budget.schedule_instalment(CASEWORKER, money("10.00"), PERIOD_START, gated=False)
    allowing = under(a_scheme(instalments={"steps": [{"months_after_start": 0, "gated": False}]}))
    allowing.decide_allocation(CASEWORKER, {"social_care": money("900.00")}, "agreed")
    allowing.cancel_instalment(CASEWORKER, 1, "split differently")
    assert allowing.schedule_instalment(CASEWORKER, money("450.00"), PERIOD_START, gated=False) == 2


def confirmed_wiltshire() -> Budget:
    budget = wiltshire_budget()
    budget.confirm_bank_account(CASEWORKER, date(2026, 4, 2))
    budget.release_instalment(CASEWORKER, 1)
    return budget


def test_the_wiltshire_gate_opens_on_a_returned_form_without_waiting_for_acceptance() -> None:
    budget = confirmed_wiltshire()
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)
    submit_a_return(budget)
    budget.release_instalment(CASEWORKER, 2)
    assert budget.released == money("600.00")


def test_a_queried_form_does_not_open_a_submitted_gate() -> None:
    budget = confirmed_wiltshire()
    budget.query_return(CASEWORKER, submit_a_return(budget), "receipts missing")
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)


def test_an_accepted_gate_waits_for_acceptance() -> None:
    scheme = a_scheme(
        instalments={
            "steps": [{"months_after_start": 0, "gated": False}, {"months_after_start": 6, "gated": True}]
        },
        gate="accepted",
    )
    budget = under(scheme)
    budget.decide_allocation(CASEWORKER, {"social_care": money("800.00")}, "agreed")
    budget.release_instalment(CASEWORKER, 1)
    return_id = submit_a_return(budget)
    with refuses(budget, errors.InstalmentGated):
        budget.release_instalment(CASEWORKER, 2)
    budget.accept_return(CASEWORKER, return_id)
    budget.release_instalment(CASEWORKER, 2)
    assert budget.released == money("800.00")


# --- the bank account -----------------------------------------------------------------------
def test_a_direct_payment_waits_for_a_confirmed_bank_account_where_the_scheme_says_so() -> None:
    budget = wiltshire_budget()
    with refuses(budget, errors.BankAccountNotConfirmed):
        budget.release_instalment(CASEWORKER, 1)
    budget.confirm_bank_account(CASEWORKER, date(2026, 4, 2))
    (confirmed,) = [e for e in recorded(budget) if isinstance(e, ev.BankAccountConfirmed)]
    assert confirmed.confirmed_on == date(2026, 4, 2)
    budget.release_instalment(CASEWORKER, 1)
    assert budget.released == money("300.00")


def test_a_scheme_without_the_bank_rule_releases_at_once() -> None:
    budget = funded_under(a_scheme(bank_account_required=False))
    assert budget.released == money("1000.00")


def test_the_bank_rule_concerns_only_direct_payments() -> None:
    budget = under(a_scheme(bank_account_required=True), management="managed_account")
    budget.decide_allocation(CASEWORKER, {"social_care": money("100.00")}, "agreed")
    budget.release_instalment(
        CASEWORKER, budget.schedule_instalment(CASEWORKER, money("100.00"), PERIOD_START, False)
    )
    assert budget.released == money("100.00")


# --- spending rules -------------------------------------------------------------------------
def test_a_category_the_scheme_rules_out_is_refused() -> None:
    budget = funded_under(a_scheme(spending={"categories_not_allowed": ["equipment"]}))
    with refuses(budget, errors.CategoryNotAllowed):
        budget.record_spend(BROKER, "s-1", a_spend(category="equipment"))
    budget.record_spend(BROKER, "s-2", a_spend(category="community_activity"))
    assert budget.spent == money("50.00")


def test_a_category_cap_per_month_counts_that_month_only() -> None:
    scheme = a_scheme(
        spending={"category_caps": [{"category": "transport", "amount": "100.00", "per": "month"}]}
    )
    budget = funded_under(scheme)
    budget.record_spend(BROKER, "s-1", a_spend("80.00", category="transport", service_date=date(2026, 5, 3)))
    with refuses(budget, errors.CategoryCapExceeded) as refused:
        budget.record_spend(
            BROKER, "s-2", a_spend("20.01", category="transport", service_date=date(2026, 5, 30))
        )
    assert "100.00" in str(refused.value)
    budget.record_spend(BROKER, "s-3", a_spend("20.00", category="transport", service_date=date(2026, 5, 30)))
    budget.record_spend(BROKER, "s-4", a_spend("90.00", category="transport", service_date=date(2026, 6, 1)))
    budget.record_spend(BROKER, "s-5", a_spend("90.00", category="outreach", service_date=date(2026, 5, 1)))
    assert budget.spent == money("280.00")


def test_a_category_cap_per_period_and_a_reversal_gives_room_back() -> None:
    scheme = a_scheme(
        spending={"category_caps": [{"category": "equipment", "amount": "500.00", "per": "period"}]}
    )
    budget = funded_under(scheme)
    budget.record_spend(BROKER, "s-1", a_spend("400.00", category="equipment", service_date=date(2026, 5, 3)))
    with refuses(budget, errors.CategoryCapExceeded):
        budget.record_spend(
            BROKER, "s-2", a_spend("200.00", category="equipment", service_date=date(2027, 1, 3))
        )
    budget.reverse_spend(CASEWORKER, "s-1", "returned to shop")
    budget.record_spend(BROKER, "s-2", a_spend("200.00", category="equipment", service_date=date(2027, 1, 3)))


def test_a_spend_above_the_threshold_waits_for_a_caseworkers_approval_before_it_counts() -> None:
    budget = funded_under(a_scheme(spending={"approval_threshold": "250.00"}))
    recorded(budget)
    held = budget.record_spend(BROKER, "s-big", a_spend("300.00"))
    (event,) = recorded(budget)
    assert isinstance(event, ev.SpendAwaitingApproval)
    assert event.threshold == money("250.00")
    assert budget.spent == money("0.00") and "s-big" in budget.awaiting_approval
    assert budget.record_spend(BROKER, "s-big", a_spend("300.00")) == held  # a retry records nothing
    assert recorded(budget) == []
    budget.approve_spend(CASEWORKER, "s-big")
    assert [type(e) for e in recorded(budget)] == [ev.SpendApproved, ev.SpendRecorded]
    assert budget.spent == money("300.00") and budget.awaiting_approval == {}
    with refuses(budget, errors.SpendNotAwaitingApproval):
        budget.approve_spend(CASEWORKER, "s-big")


def test_a_spend_at_the_threshold_or_by_a_caseworker_counts_at_once() -> None:
    budget = funded_under(a_scheme(spending={"approval_threshold": "250.00"}))
    budget.record_spend(BROKER, "s-1", a_spend("250.00"))
    budget.record_spend(CASEWORKER, "s-2", a_spend("300.00"))
    assert budget.spent == money("550.00")


def test_a_rejected_held_spend_never_counts() -> None:
    budget = funded_under(a_scheme(spending={"approval_threshold": "250.00"}))
    budget.record_spend(FAMILY, "s-big", a_spend("300.00"))
    budget.reject_spend(CASEWORKER, "s-big", "not in the plan")
    assert budget.spent == money("0.00") and budget.awaiting_approval == {}
    with refuses(budget, errors.ItemNotFound):
        budget.reject_spend(CASEWORKER, "s-big", "again")


def test_approval_checks_the_funds_again() -> None:
    budget = funded_under(a_scheme(spending={"approval_threshold": "250.00"}), "400.00")
    budget.record_spend(BROKER, "s-big", a_spend("300.00"))
    budget.record_spend(CASEWORKER, "s-2", a_spend("200.00"))
    with refuses(budget, errors.InsufficientFunds):
        budget.approve_spend(CASEWORKER, "s-big")


# --- monitoring lines -----------------------------------------------------------------------
LINES = [
    ReturnLine("community_activity", money("120.00"), money("6"), "sessions"),
    ReturnLine("transport", money("30.00")),
]


def test_a_returns_lines_add_up_to_its_declared_total() -> None:
    budget = funded_under(a_scheme())
    with refuses(budget, errors.ReturnLinesMismatch):
        budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("150.01"), "", LINES)
    return_id = budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("150.00"), "", LINES)
    assert budget.returns[return_id].lines == [
        {
            "category": "community_activity",
            "amount": money("120.00"),
            "units": money("6.00"),
            "unit": "sessions",
        },
        {"category": "transport", "amount": money("30.00"), "units": None, "unit": None},
    ]


@pytest.mark.parametrize(
    "line",
    [ReturnLine("swimming", money("1.00")), ReturnLine("transport", money("1.00"), money("2"), None)],
)
def test_a_line_names_a_known_category_and_its_units_with_a_unit(line: ReturnLine) -> None:
    budget = funded_under(a_scheme())
    with pytest.raises(errors.InvalidInput):
        budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("1.00"), "", [line])
