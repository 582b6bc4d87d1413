"""Load the demo cohort through the ledger's own use cases, month by month.

Every event is written by a `LedgerService` use case (or `ledger.envelopes`) called
by the actor who would act in life: a caseworker opens budgets, decides
allocations, releases instalments, decides returns and resolves disputes; each
family's broker records spends; families submit returns and raise disputes; the
commissioner sets the envelopes. So the demo is held to the same access and
business rules as the API, and its events are indistinguishable from real ones.

The plans come from `ledger_demo.cohort` (pure and seeded). The loader replays the
routine year quarter by quarter and month by month across the whole cohort, so the
log runs in service-date order, and runs each scenario module's story steps in
their month.

Idempotent: when the cohort's first reference is already taken nothing is written.
"""

from __future__ import annotations

import time

from ledger.money import ZERO, total
from ledger.use_cases import LedgerService
from ledger_demo import casework, disputes, envelopes, returns, trials
from ledger_demo.cohort import FAMILIES, REVISION, FamilyPlan, plan_cohort
from ledger_demo.context import CASEWORKER, Demo, Step
from ledger_demo.spending import month_spends
from ledger_demo.year import BEFORE_THE_YEAR, PERIOD, YEAR_END, quarter_of

#: the flat-rate families run under the CDC note's scheme (two halves, the second after the form is returned)
WILTSHIRE = "wiltshire-short-breaks"
#: the story steps of every scenario, in the order they run within a month
STEPS: tuple[tuple[int, Step], ...] = (
    *envelopes.TIMELINE,
    *trials.TIMELINE,
    *disputes.TIMELINE,
    *casework.TIMELINE,
)


def load_demo(service: LedgerService, seed: int = 2026, families: int = FAMILIES) -> dict[str, object]:
    """Load the cohort (unless already there) and say what was written and how long it took.

    `families` below 92 loads a smaller cohort (for tests) whose total is scaled pro rata.
    """
    started = time.perf_counter()
    plans = plan_cohort(seed, families)
    if service.find_by_reference(plans[0].reference) is not None:
        return {
            "loaded": False,
            "note": f"{plans[0].reference} exists: the demo is loaded already",
            "budgets": 0,
            "allocated": ZERO,
            "spends": 0,
            "trial_spends": 0,
            "envelopes": 0,
            "events": 0,
            "seconds": round(time.perf_counter() - started, 2),
        }
    demo = Demo(service, seed, plans)
    run_year(demo)
    return {
        "loaded": True,
        "budgets": len(plans),
        "allocated": total(p.decided for p in plans) + REVISION,
        "spends": demo.spends,
        "trial_spends": demo.trial_spends,
        "envelopes": demo.envelopes,
        "events": demo.events,
        "seconds": round(time.perf_counter() - started, 2),
    }


def run_year(demo: Demo) -> None:
    stories(demo, BEFORE_THE_YEAR)
    for plan in demo.plans:
        open_budget(demo, plan)
    for quarter in range(4):
        release_due(demo, quarter)
        for month in range(3 * quarter, 3 * quarter + 3):
            spend_month(demo, month)
            stories(demo, month)
        returns.collect(demo, quarter)
    stories(demo, YEAR_END)


def stories(demo: Demo, month: int) -> None:
    for when, step in STEPS:
        if when == month:
            step(demo)


def open_budget(demo: Demo, plan: FamilyPlan) -> None:
    s = demo.service
    s.open_budget(
        CASEWORKER,
        reference=plan.reference,
        family_ref=plan.family_ref,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        management=plan.management,
        cohort=plan.cohort,
        broker_org=plan.broker_org,
        budget_id=plan.budget_id,
        scheme=WILTSHIRE if plan.flat else None,
    )
    demo.events += 2  # the budget and its reference claim
    if plan.flat:  # the Wiltshire scheme pays a direct payment only into a confirmed account
        demo.do(s.confirm_bank_account(CASEWORKER, plan.budget_id, PERIOD[0]))
    rationale = (
        "Flat-rate short breaks payment: assessed need and a bank account"
        if plan.flat
        else "Support plan agreed at the resource panel"
    )
    ras = (plan.scheme, plan.answers, 1)
    decision = s.decide_allocation(
        CASEWORKER, plan.budget_id, plan.amounts(), rationale, ras, plan.variance_reason
    )
    demo.do(decision)
    if plan.flat:  # the scheme scheduled its two halves, the second gated, with the decision
        demo.events += len(decision.budget.instalments)
        return
    for amount, due_on, gated in plan.instalments():
        demo.do(s.schedule_instalment(CASEWORKER, plan.budget_id, amount, due_on, gated))


def release_due(demo: Demo, quarter: int) -> None:
    """Release the quarter's instalments; a gated one whose gate is shut stays scheduled."""
    for plan in demo.live(3 * quarter):
        for number, (_, due_on, gated) in enumerate(plan.instalments(), 1):
            if quarter_of(due_on) == quarter:
                demo.release(plan, number, gated)


def spend_month(demo: Demo, month: int) -> None:
    for plan in demo.live(month):
        for n, request in enumerate(month_spends(plan, month, demo.seed)):
            if demo.spend_if_funded(plan, request, f"demo/{month}/{n}"):
                demo.spent[plan.index, month // 3] += request.amount
