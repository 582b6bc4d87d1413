"""The figures each event carries are the aggregate's own, and the spend has one shape everywhere."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from api.schemas.commands import SpendIn, TrialSpendIn
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.state import Spend
from ledger.aggregates.vocabulary import BudgetStatus, ReturnStatus
from tests.builders import a_spend
from tests.conftest import BROKER, CASEWORKER, FAMILY
from tests.unit.factories import PERIOD_START, funded_budget, money, recorded


def replay(events: list[Any]) -> Budget:
    budget: Any = None
    for event in events:
        budget = event.mutate(budget)
    return budget


def a_busy_budget() -> tuple[Budget, list[Any]]:
    budget = funded_budget("1000.00", "600.00")
    budget.schedule_instalment(CASEWORKER, money("400.00"), date(2026, 10, 1), gated=True)
    spend = budget.record_spend(BROKER, "s1", a_spend("120.00"))
    budget.reverse_spend(CASEWORKER, spend.spend_id, "entered twice")
    budget.record_spend(BROKER, "s2", a_spend("80.00", funding_stream="social_care"))
    return_id = budget.submit_return(FAMILY, PERIOD_START, date(2026, 9, 30), money("80.00"), "Q1-Q2")
    budget.accept_return(CASEWORKER, return_id)
    budget.release_instalment(CASEWORKER, 2)
    budget.recover_surplus(CASEWORKER, money("20.00"), "unspent")
    return budget, recorded(budget)


def test_every_event_carries_the_figures_the_aggregate_has_just_after_it() -> None:
    _, events = a_busy_budget()
    for n in range(1, len(events) + 1):
        assert events[n - 1].figures == replay(events[:n]).figures()


def test_the_figures_follow_the_money_and_the_gate() -> None:
    _, events = a_busy_budget()
    last = events[-1].figures
    assert (last.released, last.spent, last.recovered) == (money("1000.00"), money("80.00"), money("20.00"))
    assert last.available == money("900.00") and last.status == BudgetStatus.ACTIVE
    scheduled = next(e for e in events if isinstance(e, ev.InstalmentScheduled) and e.gated)
    assert scheduled.figures.waiting_at_gate == [2]
    submitted = next(e for e in events if isinstance(e, ev.MonitoringReturnSubmitted))
    assert submitted.figures.gate_return_status == ReturnStatus.SUBMITTED
    accepted = next(e for e in events if isinstance(e, ev.MonitoringReturnAccepted))
    assert accepted.figures.waiting_at_gate == [] and accepted.figures.gate_return_status == "accepted"
    released = next(e for e in events if isinstance(e, ev.InstalmentReleased) and e.number == 2)
    assert released.figures.gate_return_status is None  # the accepted return was before this release


def test_a_reversal_carries_the_spend_it_reverses() -> None:
    _, events = a_busy_budget()
    [reversal] = [e for e in events if isinstance(e, ev.SpendReversed)]
    [original] = [e for e in events if isinstance(e, ev.SpendRecorded) and e.spend_id == reversal.spend_id]
    for name in ("amount", "category", "charged_stream", "service_date", "units", "unit"):
        assert getattr(reversal, name) == getattr(original, name)


def test_a_spend_is_charged_to_the_stream_it_names_else_the_only_funded_one() -> None:
    single = funded_budget()
    assert single.record_spend(BROKER, "a", a_spend()).charged_stream == "social_care"
    several = funded_budget()
    several.revise_allocation(
        CASEWORKER, {"social_care": money("500.00"), "health": money("500.00")}, "split"
    )
    assert several.record_spend(BROKER, "b", a_spend()).charged_stream is None
    assert several.record_spend(BROKER, "c", a_spend(funding_stream="health")).charged_stream == "health"


PROVIDER_FIELDS = ("provider_id", "medical_tasks", "nights_override_reason")


def names(cls: Any) -> set[str]:
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls)}
    return set(cls.model_fields)


def test_the_spend_has_one_shape_from_request_to_event_state_and_wire() -> None:
    request = names(SpendRequest)
    assert request == names(SpendIn)
    # a trial spend pays no one: the provider register's fields are a real spend's only
    assert request - {"funding_stream", *PROVIDER_FIELDS} == names(TrialSpendIn)
    assert request <= names(ev.SpendRecorded) and request <= names(Spend)
    assert request - {"funding_stream", *PROVIDER_FIELDS} <= names(ev.TrialSpendRecorded)
    for field in dataclasses.fields(SpendRequest):
        recorded_type = ev.SpendRecorded.__dataclass_fields__[field.name].type
        assert recorded_type == field.type, field.name
