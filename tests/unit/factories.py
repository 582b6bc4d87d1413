"""Test data for the domain tiers: budgets in a given state, requests, and the `refuses` check.

Every builder runs real commands on a `Budget` (no database), so a budget "with a
released instalment" got there the only way a real one can: through its events.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates.budget import Budget
from ledger.aggregates.plan_state import OutcomeRatingIn, PlannedLine
from ledger.aggregates.state import ReturnLine
from ledger.ras import assess, get_scheme
from ledger.schemes import parse
from tests.builders import a_spend
from tests.conftest import ADMIN, BROKER, CASEWORKER, FAMILY

PERIOD_START = date(2026, 4, 1)
PERIOD_END = date(2027, 3, 31)
IN_PERIOD = date(2026, 5, 1)

#: Answers to the points scheme that score 10 points (targeted band, 850.00).
TARGETED_ANSWERS = {
    "personal_care": "some",
    "health_needs": "none",
    "behaviour": "none",
    "community_access": "none",
    "night_support": "none",
    "carer_resilience": "strained",
    "siblings": "0",
}


#: the default scheme's rules, but spends above 150.00 wait for a caseworker's approval
EVERY_EVENT_SCHEME = parse(
    {
        "id": "every-event",
        "version": 1,
        "title": "the default rules, with an approval threshold",
        "monitoring": {"every_months": 6, "due_days_after": 28},
        "spending": {"approval_threshold": "150.00"},
    }
)


def money(text: str) -> Decimal:
    return Decimal(text)


def a_reference() -> str:
    return f"BH-{uuid.uuid4().hex[:8]}"


def new_budget(**overrides: Any) -> Budget:
    """An open budget, no allocation yet."""
    fields: dict[str, Any] = dict(
        reference=a_reference(),
        family_ref="FAM-001",
        period_start=PERIOD_START,
        period_end=PERIOD_END,
        management="direct_payment",
        cohort="2026-pilot",
        broker_org="brokerage-a",
    )
    fields.update(overrides)
    budget: Budget = Budget.open(CASEWORKER, **fields)
    return budget


def allocated_budget(allocated: str = "1000.00", **streams: str) -> Budget:
    """An active budget with an allocation (social care unless other streams are given)."""
    budget = new_budget()
    amounts = {s: money(a) for s, a in streams.items()} or {"social_care": money(allocated)}
    budget.decide_allocation(CASEWORKER, amounts, "agreed at panel")
    return budget


def funded_budget(allocated: str = "1000.00", released: str = "600.00") -> Budget:
    """An active budget with one released, ungated instalment."""
    budget = allocated_budget(allocated)
    number = budget.schedule_instalment(CASEWORKER, money(released), PERIOD_START, gated=False)
    budget.release_instalment(CASEWORKER, number)
    return budget


def an_accepted_return(budget: Budget, declared: str = "100.00") -> str:
    return_id = submit_a_return(budget, declared)
    budget.accept_return(CASEWORKER, return_id)
    return return_id


def submit_a_return(budget: Budget, declared: str = "100.00") -> str:
    return budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money(declared), "as planned")


def closed_budget() -> Budget:
    """A funded budget whose surplus was recovered, then closed."""
    budget = funded_budget()
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    budget.close(CASEWORKER, "year end")
    return budget


def a_budget_with_every_kind_of_state() -> Budget:
    """Instalments, spends, returns, trials, disputes and reviews in every status (not closed).

    It runs under a scheme like the default one but with an approval threshold, so spends
    held for approval (approved and rejected) and a confirmed bank account are among its events.
    """
    budget = new_budget(scheme=EVERY_EVENT_SCHEME)
    assessment = assess(get_scheme("short-breaks-points", 1), TARGETED_ANSWERS)
    budget.set_indicative(CASEWORKER, assessment, completed_with_family=True)
    budget.record_previous_package(CASEWORKER, money("700.00"), "existing_user", "respite nights")
    budget.agree_support_plan(
        CASEWORKER,
        [("O1", "a break for the carer each month"), ("O2", "swimming with friends")],
        [PlannedLine("personal_assistant", money("600.00"), "social_care", money("40"), "hours")],
        date(2026, 4, 10),
        date(2026, 10, 10),
    )
    budget.record_panel_decision(
        CASEWORKER, date(2026, 4, 12), "RP-1", "head of service", money("1200.00"), ""
    )
    budget.decide_allocation(
        CASEWORKER,
        {"social_care": money("900.00"), "health": money("100.00")},
        "panel",
        assessment,
        variance_reason="health top-up",
    )
    budget.revise_allocation(
        CASEWORKER, {"social_care": money("1000.00"), "health": money("200.00")}, "review uplift"
    )
    budget.schedule_instalment(CASEWORKER, money("600.00"), PERIOD_START, gated=False)
    budget.schedule_instalment(CASEWORKER, money("300.00"), date(2026, 10, 1), gated=True)
    budget.schedule_instalment(CASEWORKER, money("100.00"), date(2027, 1, 1), gated=False)
    budget.release_instalment(CASEWORKER, 1)
    budget.cancel_instalment(CASEWORKER, 3, "not needed")
    budget.record_spend(BROKER, "s-1", a_spend("120.00", units=money("8"), unit="hours"))
    budget.record_spend(BROKER, "s-2", a_spend("80.00", funding_stream="health"))
    dispute = budget.raise_dispute(FAMILY, "spend", "disputed charge", subject_ref="s-2")
    budget.reverse_spend(CASEWORKER, "s-2", "charged twice", dispute_id=dispute)
    budget.resolve_dispute(CASEWORKER, dispute, "upheld", "spend reversed")
    budget.raise_dispute(FAMILY, "allocation", "too low")
    queried = submit_a_return(budget)
    budget.query_return(CASEWORKER, queried, "receipts missing")
    an_accepted_return(budget)
    submit_a_return(budget)
    budget.release_instalment(CASEWORKER, 2)
    budget.recover_surplus(CASEWORKER, money("50.00"), "underspend")
    open_trial = budget.start_trial(CASEWORKER, "PA hours pilot", money("500.00"), money("650.00"))
    budget.record_trial_spend(BROKER, open_trial, "t-1", a_spend("40.00", units=money("2"), unit="nights"))
    ended = budget.start_trial(CASEWORKER, "activities", money("100.00"), money("0.00"))
    budget.record_trial_spend(BROKER, ended, "t-2", a_spend("30.00", category="community_activity"))
    budget.conclude_trial(CASEWORKER, ended, "abandoned", "family preferred PA")
    budget.agree_support_plan(
        CASEWORKER,
        [("O1", "a break for the carer each month")],
        [PlannedLine("community_activity", money("300.00"))],
        date(2026, 9, 1),
        date(2026, 10, 15),
        reason="swimming stopped",
    )
    budget.review(
        CASEWORKER,
        date(2026, 10, 15),
        "outcomes on track",
        date(2027, 4, 15),
        [OutcomeRatingIn("O1", "partly_met", "two breaks missed")],
    )
    budget.confirm_bank_account(CASEWORKER, date(2026, 10, 16))
    budget.record_spend(BROKER, "s-held", a_spend("160.00", category="equipment"))
    budget.approve_spend(CASEWORKER, "s-held")
    budget.record_spend(BROKER, "s-refused", a_spend("170.00"))
    budget.reject_spend(CASEWORKER, "s-refused", "not in the plan")
    budget.submit_return(
        FAMILY,
        date(2026, 10, 1),
        date(2026, 12, 31),
        money("160.00"),
        "lines",
        [ReturnLine("equipment", money("160.00"), money("1"), "items")],
    )
    budget.suspend(CASEWORKER, "family abroad")
    budget.resume(CASEWORKER, "family back")
    return budget


def state_of(budget: Budget) -> dict[str, Any]:
    """A deep copy of everything the budget holds except its pending events."""
    return copy.deepcopy({k: v for k, v in vars(budget).items() if k != "_pending_events"})


@contextmanager
def refuses(budget: Budget, error: type[Exception]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises `error`, and the budget neither records an event nor changes state."""
    before = state_of(budget)
    pending = len(budget.pending_events)
    version = budget.version
    with pytest.raises(error) as info:
        yield info
    assert type(info.value) is error, f"{type(info.value).__name__} raised, expected {error.__name__}"
    assert len(budget.pending_events) == pending
    assert budget.version == version
    assert state_of(budget) == before


def a_budget_with_every_event() -> Budget:
    """`a_budget_with_every_kind_of_state`, then its surplus recovered, the budget closed, its text erased."""
    budget = a_budget_with_every_kind_of_state()
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    budget.close(CASEWORKER, "year end")
    budget.record_text_erasure(ADMIN, "erasure request 4411", 1)
    return budget


def recorded(budget: Budget) -> list[Any]:
    """The events the budget recorded since last asked (and forgets them, as a save would)."""
    return list(budget.collect_events())


def walk_the_pathway(budget: Budget, amount: Decimal) -> None:
    """Record what a pathway scheme wants before an allocation of `amount`: the indicative budget,
    an agreed support plan within it, and a Resource Panel decision for `amount`."""
    assessment = assess(get_scheme("short-breaks-points", 1), TARGETED_ANSWERS)
    budget.set_indicative(CASEWORKER, assessment, completed_with_family=True)
    budget.agree_support_plan(
        CASEWORKER,
        [("O1", "a break for the carer each month")],
        [PlannedLine("personal_assistant", Decimal("100.00"))],
        date(2026, 4, 10),
        date(2026, 10, 10),
    )
    budget.record_panel_decision(CASEWORKER, date(2026, 4, 12), "RP-1", "head of service", amount, "")
