"""Virtual-budget trials: one adopted, one abandoned.

A trial's spends are recorded like real ones but never touch the budget's
balances, so the demo shows both how a trial is run and that it costs nothing
real: PA-led weekend breaks tried in place of residential nights (adopted, the
council report's direction of travel) and a holiday club tried in place of
outreach hours (abandoned: no club nearby had trained staff).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial

from ledger.aggregates.spending import SpendRequest
from ledger_demo.context import CASEWORKER, Demo, Timeline, spender_of
from ledger_demo.year import month_start


def _start(demo: Demo, role: str, name: str, virtual_amount: str, baseline_cost: str) -> None:
    plan = demo.role[role]
    demo.ids[f"trial/{role}"] = demo.do(
        demo.service.start_trial(
            CASEWORKER, plan.budget_id, name, Decimal(virtual_amount), Decimal(baseline_cost)
        )
    )


def _trial_spend(demo: Demo, role: str, month: int, request: SpendRequest) -> None:
    plan = demo.role[role]
    demo.trial_spends += 1
    demo.do(
        demo.service.record_trial_spend(
            spender_of(plan), plan.budget_id, demo.ids[f"trial/{role}"], request, f"demo/trial/{month}"
        )
    )


def _conclude(demo: Demo, role: str, outcome: str, notes: str) -> None:
    plan = demo.role[role]
    trial_id = demo.ids[f"trial/{role}"]
    demo.do(demo.service.conclude_trial(CASEWORKER, plan.budget_id, trial_id, outcome, notes))


def pa_weekend(month: int) -> SpendRequest:
    hours = Decimal(14)
    return SpendRequest(
        hours * 16,
        "personal_assistant",
        "Personal assistant employed by the family",
        month_start(month).replace(day=20),
        "Trial: PA-led weekend break",
        hours,
        "hours",
    )


def club_days(month: int) -> SpendRequest:
    return SpendRequest(
        Decimal("105.00"),
        "community_activity",
        "Holiday club",
        month_start(month).replace(day=12),
        "Trial: holiday club days",
        Decimal(3),
        "sessions",
    )


def start_pa_trial(demo: Demo) -> None:
    name = "PA-led weekend breaks in place of residential nights"
    _start(demo, "trial_adopted", name, "1800.00", "2880.00")


def start_club_trial(demo: Demo) -> None:
    _start(demo, "trial_abandoned", "Holiday club in place of outreach hours", "900.00", "1104.00")


def adopt_pa_trial(demo: Demo) -> None:
    notes = "Weekend PA breaks met the outcomes at less than the residential cost"
    _conclude(demo, "trial_adopted", "adopted", notes)


def abandon_club_trial(demo: Demo) -> None:
    _conclude(demo, "trial_abandoned", "abandoned", "No holiday club near home with trained staff")


def _spends(role: str, months: range, request: Callable[[int], SpendRequest]) -> Timeline:
    return tuple((m, partial(_trial_spend, role=role, month=m, request=request(m))) for m in months)


TIMELINE: Timeline = (
    (1, start_pa_trial),
    *_spends("trial_adopted", range(1, 6), pa_weekend),
    (3, start_club_trial),
    *_spends("trial_abandoned", range(3, 5), club_days),
    (5, abandon_club_trial),
    (6, adopt_pa_trial),
)
