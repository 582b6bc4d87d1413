"""The decision pathway: indicative budget, support plan, Resource Panel, reviews against outcomes.

Every refusal names its rule and records nothing (`refuses`); no database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates import plan_events as pe
from ledger.aggregates.budget import Budget
from ledger.aggregates.plan_state import OutcomeRatingIn, PlannedLine
from ledger.ras import assess, get_scheme
from ledger.schemes import builtin_schemes
from tests.conftest import CASEWORKER
from tests.unit.factories import (
    IN_PERIOD,
    TARGETED_ANSWERS,
    allocated_budget,
    money,
    new_budget,
    recorded,
    refuses,
)

PATHWAY = builtin_schemes()["short-breaks-individual-budget@2"]
TARGETED = assess(get_scheme("short-breaks-points", 1), TARGETED_ANSWERS)  # 850.00
AGREED_ON, REVIEW_DUE = date(2026, 4, 20), date(2026, 10, 20)
OUTCOMES = [("O1", "a weekly break for the carer"), ("O2", "a club with friends")]


def pathway_budget() -> Budget:
    return new_budget(scheme=PATHWAY)


def with_indicative(budget: Budget | None = None) -> Budget:
    budget = budget or pathway_budget()
    budget.set_indicative(CASEWORKER, TARGETED, completed_with_family=True)
    return budget


def plan(budget: Budget, *amounts: str, reason: str | None = None) -> int:
    lines = [PlannedLine("personal_assistant", money(a), "social_care") for a in amounts]
    return budget.agree_support_plan(CASEWORKER, OUTCOMES, lines, AGREED_ON, REVIEW_DUE, reason=reason)


def planned_budget(*amounts: str) -> Budget:
    budget = with_indicative()
    plan(budget, *(amounts or ("500.00", "300.00")))
    return budget


def allocate(budget: Budget, amount: str, **kwargs: Any) -> None:
    kwargs.setdefault("rationale", "as planned")
    budget.decide_allocation(CASEWORKER, {"social_care": money(amount)}, **kwargs)


def rate(*pairs: tuple[str, str]) -> list[OutcomeRatingIn]:
    return [OutcomeRatingIn(o, r, "seen at review") for o, r in pairs]


# --- the indicative budget ---------------------------------------------------------------
def test_the_indicative_budget_records_the_ras_result_and_its_working() -> None:
    budget = with_indicative()
    (event,) = recorded(budget)[1:]
    assert isinstance(event, pe.IndicativeBudgetSet)
    assert (event.indicative_amount, event.points, event.completed_with_family) == (
        TARGETED.indicative_amount,
        TARGETED.points,
        True,
    )
    assert budget.indicative is not None and budget.indicative.working == TARGETED.working


def test_the_indicative_budget_uses_the_ras_the_scheme_names() -> None:
    flat = assess(get_scheme("flat-short-breaks", 1), {"assessed_need": "yes", "has_bank_account": "yes"})
    budget = pathway_budget()
    with refuses(budget, errors.IndicativeNotSchemeRas):
        budget.set_indicative(CASEWORKER, flat, completed_with_family=False)


def test_the_indicative_budget_comes_before_the_allocation() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.IndicativeAfterAllocation):
        budget.set_indicative(CASEWORKER, TARGETED, completed_with_family=True)


def test_a_reassessment_below_the_plan_is_refused() -> None:
    budget = planned_budget("800.00")
    lower = assess(get_scheme("short-breaks-points", 1), {**TARGETED_ANSWERS, "carer_resilience": "coping"})
    assert lower.indicative_amount < money("800.00")
    with refuses(budget, errors.PlannedAboveIndicative):
        budget.set_indicative(CASEWORKER, lower, completed_with_family=True)


# --- the support plan ----------------------------------------------------------------------
def test_a_plan_needs_an_amount_to_keep_within() -> None:
    budget = new_budget()
    with refuses(budget, errors.IndicativeBudgetRequired):
        plan(budget, "100.00")


def test_a_plan_above_the_indicative_amount_is_refused() -> None:
    budget = with_indicative()
    with refuses(budget, errors.PlannedAboveIndicative):
        plan(budget, "500.00", "350.01")


def test_a_plan_at_the_indicative_amount_is_agreed_as_version_1() -> None:
    budget = with_indicative()
    assert plan(budget, "500.00", "350.00") == 1
    assert budget.support_plan is not None
    assert budget.support_plan.planned_total == money("850.00")


def test_a_second_plan_is_a_revision_and_keeps_the_first() -> None:
    budget = planned_budget()
    with refuses(budget, errors.SupportPlanAlreadyAgreed):
        plan(budget, "100.00")
    assert plan(budget, "400.00", reason="fewer PA hours") == 2
    assert [p.planned_total for p in budget.plans] == [money("800.00"), money("400.00")]
    assert isinstance(recorded(budget)[-1], pe.SupportPlanRevised)


def test_only_an_agreed_plan_is_revised() -> None:
    budget = with_indicative()
    with refuses(budget, errors.SupportPlanNotAgreed):
        plan(budget, "100.00", reason="change")


def test_after_the_allocation_the_plan_keeps_within_it() -> None:
    budget = planned_budget("600.00")
    allocate(budget, "700.00", variance_reason="less needed")
    with refuses(budget, errors.PlannedAboveAllocation):
        plan(budget, "700.01", reason="more hours")
    assert plan(budget, "700.00", reason="more hours") == 2


@pytest.mark.parametrize(
    ("outcomes", "lines"),
    [
        ([], [PlannedLine("transport", money("1.00"))]),
        ([("O1", "a"), ("O1", "b")], [PlannedLine("transport", money("1.00"))]),
        (OUTCOMES, [PlannedLine("holidays", money("1.00"))]),
        (OUTCOMES, [PlannedLine("transport", money("0.00"))]),
        (OUTCOMES, [PlannedLine("transport", money("1.00"), "lottery")]),
        (OUTCOMES, [PlannedLine("transport", money("1.00"), units=money("2"))]),
    ],
)
def test_a_malformed_plan_is_invalid_input(outcomes: Any, lines: Any) -> None:
    budget = with_indicative()
    with pytest.raises(errors.InvalidInput):
        budget.agree_support_plan(CASEWORKER, outcomes, lines, AGREED_ON, REVIEW_DUE)
    assert budget.support_plan is None


# --- the allocation's pathway ----------------------------------------------------------------
def test_the_pathway_scheme_wants_the_indicative_budget_first() -> None:
    budget = pathway_budget()
    with refuses(budget, errors.IndicativeBudgetRequired):
        allocate(budget, "850.00", assessment=TARGETED)


def test_the_pathway_scheme_wants_the_support_plan_before_the_allocation() -> None:
    budget = with_indicative()
    with refuses(budget, errors.SupportPlanRequired):
        allocate(budget, "850.00")


def test_the_allocation_relies_on_the_recorded_indicative_budget() -> None:
    budget = planned_budget()
    allocate(budget, "850.00")
    decided = next(e for e in recorded(budget) if isinstance(e, ev.AllocationDecided))
    assert decided.indicative_amount == money("850.00") and decided.answers == TARGETED_ANSWERS
    assert decided.panel_decision_id is None


def test_differing_from_the_recorded_indicative_needs_a_variance_reason() -> None:
    budget = planned_budget()
    with refuses(budget, errors.VarianceReasonRequired):
        allocate(budget, "800.00")


def test_an_allocation_below_the_plan_is_refused() -> None:
    budget = planned_budget("800.00")
    with refuses(budget, errors.PlannedAboveAllocation):
        allocate(budget, "799.99", variance_reason="less")


def test_above_the_indicative_plus_threshold_needs_a_panel_decision() -> None:
    budget = planned_budget()
    with refuses(budget, errors.PanelDecisionRequired):
        allocate(budget, "850.01", variance_reason="more needed")
    budget.record_panel_decision(CASEWORKER, date(2026, 4, 25), "RP-9", "chair", money("900.00"), "")
    with refuses(budget, errors.PanelDecisionRequired):  # the panel agreed less than this
        allocate(budget, "900.01", variance_reason="more needed")
    allocate(budget, "900.00", variance_reason="panel agreed")
    assert budget.allocation is not None and budget.allocation.panel_decision_id == "P1"


def test_a_revision_rising_past_the_indicative_and_threshold_needs_a_panel_decision_too() -> None:
    budget = planned_budget()
    allocate(budget, "800.00", variance_reason="less than indicated")  # the indicative is 850.00
    revise = budget.revise_allocation
    revise(CASEWORKER, {"social_care": money("850.00")}, "up to the indicative: no panel")
    with refuses(budget, errors.PanelDecisionRequired):  # this scheme's panel threshold is 0.00
        revise(CASEWORKER, {"social_care": money("850.01")}, "more needed")
    budget.record_panel_decision(CASEWORKER, date(2026, 5, 2), "RP-11", "chair", money("950.00"), "")
    revise(CASEWORKER, {"social_care": money("950.00")}, "the panel agreed")
    risen = recorded(budget)[-1]
    assert isinstance(risen, ev.AllocationRevised) and risen.panel_decision_id == "P1"
    revise(CASEWORKER, {"social_care": money("900.00")}, "a cut needs no panel")
    cut = recorded(budget)[-1]
    assert isinstance(cut, ev.AllocationRevised) and cut.panel_decision_id is None
    with refuses(budget, errors.PanelDecisionRequired):  # above what the panel agreed
        revise(CASEWORKER, {"social_care": money("950.01")}, "more again")


def test_the_panel_rule_follows_the_schemes_threshold() -> None:
    scheme = PATHWAY.model_copy(update={"panel_threshold": Decimal("100.00")})
    budget = with_indicative(new_budget(scheme=scheme))
    plan(budget, "100.00")
    allocate(budget, "950.00", variance_reason="within the threshold")
    assert budget.allocation is not None and budget.allocation.panel_decision_id is None


def test_the_default_scheme_allocates_without_a_plan_or_panel() -> None:
    budget = new_budget()
    allocate(budget, "5000.00", assessment=TARGETED, variance_reason="flat")
    assert budget.allocation is not None and budget.allocation.panel_decision_id is None


def test_a_revision_below_the_plan_is_refused() -> None:
    budget = planned_budget("800.00")
    allocate(budget, "850.00")
    with refuses(budget, errors.PlannedAboveAllocation):
        budget.revise_allocation(CASEWORKER, {"social_care": money("799.99")}, "cut")


def test_a_panel_decision_is_a_positive_amount_with_its_reference() -> None:
    budget = pathway_budget()
    with pytest.raises(errors.InvalidInput):
        budget.record_panel_decision(CASEWORKER, IN_PERIOD, "RP-1", "chair", money("0.00"), "")
    with pytest.raises(errors.InvalidInput):
        budget.record_panel_decision(CASEWORKER, IN_PERIOD, " ", "chair", money("10.00"), "")
    assert budget.panel_decisions == {}


# --- reviews against outcomes ------------------------------------------------------------------
def test_a_review_rates_every_outcome_of_the_current_plan() -> None:
    budget = planned_budget()
    with refuses(budget, errors.OutcomeNotRated):
        budget.review(CASEWORKER, date(2026, 10, 1), "half way", date(2027, 3, 1), rate(("O1", "met")))
    with refuses(budget, errors.UnknownOutcome):
        budget.review(
            CASEWORKER,
            date(2026, 10, 1),
            "x",
            date(2027, 3, 1),
            rate(("O1", "met"), ("O2", "met"), ("O9", "met")),
        )
    budget.review(
        CASEWORKER,
        date(2026, 10, 1),
        "half way",
        date(2027, 3, 1),
        rate(("O2", "not_met"), ("O1", "partly_met")),
    )
    assert [(o["outcome_id"], o["rating"]) for o in budget.reviews[-1].outcomes] == [
        ("O1", "partly_met"),
        ("O2", "not_met"),
    ]


def test_a_rating_outside_the_list_is_invalid_input() -> None:
    budget = planned_budget()
    with pytest.raises(errors.InvalidChoice):
        budget.review(
            CASEWORKER, date(2026, 10, 1), "x", date(2027, 3, 1), rate(("O1", "met"), ("O2", "great"))
        )
    assert budget.reviews == []


def test_without_a_plan_a_review_rates_nothing() -> None:
    budget = allocated_budget()
    with refuses(budget, errors.UnknownOutcome):
        budget.review(CASEWORKER, date(2026, 10, 1), "x", date(2027, 3, 1), rate(("O1", "met")))
    budget.review(CASEWORKER, date(2026, 10, 1), "no plan", date(2027, 3, 1))
    assert budget.reviews[-1].outcomes == []


# --- the previous package ----------------------------------------------------------------------
def test_the_previous_package_records_its_cost_and_entry_route() -> None:
    budget = new_budget()
    with pytest.raises(errors.InvalidChoice):
        budget.record_previous_package(CASEWORKER, money("100.00"), "walk_in")
    budget.record_previous_package(CASEWORKER, money("4200.00"), "existing_user", "two nights a month")
    assert budget.previous_package is not None
    assert (budget.previous_package.cost, budget.previous_package.entry_route) == (
        money("4200.00"),
        "existing_user",
    )
