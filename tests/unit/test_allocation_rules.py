"""Deciding and revising an allocation: once, explained when it differs from the RAS, never below released."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.ras import assess, get_scheme
from tests.conftest import CASEWORKER
from tests.unit.factories import (
    TARGETED_ANSWERS,
    allocated_budget,
    closed_budget,
    funded_budget,
    money,
    new_budget,
    recorded,
    refuses,
)

TARGETED = assess(get_scheme("short-breaks-points", 1), TARGETED_ANSWERS)  # 850.00


def social_care(amount: str) -> dict[str, Decimal]:
    return {"social_care": money(amount)}


def decide(budget: Any, amounts: dict[str, Any], **kwargs: Any) -> None:
    kwargs.setdefault("rationale", "agreed at panel")
    budget.decide_allocation(CASEWORKER, amounts, **kwargs)


# --- deciding ---------------------------------------------------------------------
def test_deciding_an_allocation_makes_the_budget_active() -> None:
    budget = new_budget()
    decide(budget, {"social_care": money("700.00"), "health": money("300.00")})
    assert (budget.status, budget.allocated, budget.unreleased) == ("active", 1000, 1000)


def test_an_allocation_is_decided_once() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.AllocationAlreadyDecided):
        decide(budget, social_care("2000.00"))


def test_an_allocation_matching_the_indicative_amount_needs_no_variance_reason() -> None:
    budget = new_budget()
    decide(budget, social_care("850.00"), assessment=TARGETED)
    assert budget.allocation is not None
    assert (budget.allocation.points, budget.allocation.band) == (10, "targeted")


@pytest.mark.parametrize("variance_reason", [None, "", "  \n"])
def test_an_allocation_that_differs_from_the_indicative_amount_must_say_why(variance_reason: Any) -> None:
    budget = new_budget()
    with refuses(budget, errors.VarianceReasonRequired):
        decide(budget, social_care("900.00"), assessment=TARGETED, variance_reason=variance_reason)


def test_a_variance_with_its_reason_is_recorded_with_the_ras_working() -> None:
    budget = new_budget()
    budget.collect_events()
    decide(budget, social_care("900.00"), assessment=TARGETED, variance_reason="two carers ill")
    [decided] = recorded(budget)
    assert isinstance(decided, ev.AllocationDecided)
    assert decided.variance_reason == "two carers ill"
    assert (decided.scheme_id, decided.scheme_version, decided.indicative_amount) == (
        "short-breaks-points",
        1,
        Decimal("850.00"),
    )
    assert decided.working == TARGETED.working
    assert decided.answers == TARGETED_ANSWERS


def test_a_flat_rate_allocation_without_ras_needs_only_its_rationale() -> None:
    budget = new_budget()
    decide(budget, social_care("600.00"), rationale="flat-rate short breaks offer")
    assert budget.allocation is not None and budget.allocation.scheme_id is None


@pytest.mark.parametrize("rationale", ["", "   "])
def test_an_allocation_needs_a_rationale(rationale: str) -> None:
    budget = new_budget()
    with refuses(budget, errors.InvalidInput):
        decide(budget, social_care("600.00"), rationale=rationale)


def test_an_allocation_names_at_least_one_stream() -> None:
    budget = new_budget()
    with refuses(budget, errors.InvalidInput):
        decide(budget, {})


def test_an_allocation_stream_is_one_of_the_design_words() -> None:
    budget = new_budget()
    with refuses(budget, errors.InvalidChoice):
        decide(budget, {"housing": money("100.00")})


@pytest.mark.parametrize(
    "amounts",
    [
        {"social_care": 600.0},
        {"social_care": "600.001"},
        {"social_care": money("-1.00"), "health": money("600.00")},
        {"social_care": money("0.00")},
        {"social_care": money("0.00"), "health": money("0.00")},
    ],
    ids=["float", "three-places", "negative-stream", "zero", "all-zero"],
)
def test_allocation_amounts_are_exact_non_negative_and_total_above_zero(amounts: dict[str, Any]) -> None:
    budget = new_budget()
    with refuses(budget, errors.InvalidAmount):
        decide(budget, amounts)


def test_a_closed_budget_takes_no_allocation() -> None:
    budget = new_budget()
    budget.close(CASEWORKER, "family moved away")
    with refuses(budget, errors.BudgetClosed):
        decide(budget, social_care("600.00"))


# --- revising ---------------------------------------------------------------------
def test_a_revision_replaces_the_amounts_and_keeps_its_reason() -> None:
    budget = allocated_budget("1000.00")
    budget.collect_events()
    amounts = {"social_care": money("800.00"), "health": money("400.00")}
    budget.revise_allocation(CASEWORKER, amounts, "uplift")
    [revised] = recorded(budget)
    assert isinstance(revised, ev.AllocationRevised)
    assert (revised.reason, revised.dispute_id, budget.allocated) == ("uplift", None, 1200)
    assert budget.allocation is not None and budget.allocation.revisions == 1


def test_a_revision_needs_a_decided_allocation() -> None:
    budget = new_budget()
    with refuses(budget, errors.AllocationNotDecided):
        budget.revise_allocation(CASEWORKER, social_care("100.00"), "too early")


def test_a_revision_may_not_fall_below_the_money_released() -> None:
    budget = funded_budget("1000.00", released="600.00")
    with refuses(budget, errors.RevisionBelowReleased):
        budget.revise_allocation(CASEWORKER, social_care("599.99"), "cut")


def test_a_revision_down_to_exactly_the_released_amount_is_allowed() -> None:
    budget = funded_budget("1000.00", released="600.00")
    budget.revise_allocation(CASEWORKER, social_care("600.00"), "cut to what was paid")
    assert budget.unreleased == 0


def test_a_revision_may_not_fall_below_the_scheduled_instalments() -> None:
    budget = funded_budget("1000.00", released="600.00")
    budget.schedule_instalment(CASEWORKER, money("300.00"), date(2026, 10, 1), gated=True)
    with refuses(budget, errors.ScheduleExceedsAllocation):
        budget.revise_allocation(CASEWORKER, social_care("899.99"), "cut")


def test_a_revision_needs_a_reason() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.InvalidInput):
        budget.revise_allocation(CASEWORKER, social_care("1200.00"), "")


def test_a_revision_that_names_a_dispute_needs_that_dispute() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.ItemNotFound):
        budget.revise_allocation(CASEWORKER, social_care("1200.00"), "appeal", dispute_id="D9")


def test_a_revision_after_a_dispute_names_the_dispute() -> None:
    budget = allocated_budget()
    dispute = budget.raise_dispute(CASEWORKER, "allocation", "too low")
    budget.resolve_dispute(CASEWORKER, dispute, "upheld", "uplift agreed")
    budget.collect_events()
    budget.revise_allocation(CASEWORKER, social_care("1200.00"), "appeal upheld", dispute_id=dispute)
    [revised] = recorded(budget)
    assert revised.dispute_id == dispute


def test_a_closed_budget_takes_no_revision() -> None:
    budget = closed_budget()
    with refuses(budget, errors.BudgetClosed):
        budget.revise_allocation(CASEWORKER, social_care("2000.00"), "late")


def test_a_revision_checks_its_amounts_like_a_decision() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.InvalidChoice):
        budget.revise_allocation(CASEWORKER, {"lottery": money("5.00")}, "new stream")
