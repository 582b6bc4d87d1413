"""Random command sequences over a few budgets, for the read models' property tests.

A step is (command, budget index, size, pick): `size` scales amounts, `pick`
chooses among the budget's spends, returns, trials and the word lists. Commands
the ledger refuses are simply skipped: the point is a varied event log.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from ledger import errors
from ledger.aggregates.budget import Budget
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.state import ReturnLine
from ledger.aggregates.vocabulary import Category, FundingStream, Management, Unit
from ledger.envelopes import set_envelope
from ledger.schemes.published import publish_scheme
from ledger.use_cases import LedgerService
from tests.builders import open_budget
from tests.conftest import CASEWORKER, COMMISSIONER
from tests.projections.plan_commands import PATHWAY_COMMANDS

COMMANDS = (
    "open",
    "allocate",
    "fund",
    "fund",
    "revise",
    "schedule",
    "schedule",
    "release",
    "release",
    "cancel",
    "spend",
    "spend",
    "spend",
    "spend",
    "spend",
    "reverse",
    "return",
    "return",
    "accept",
    "accept",
    "query",
    "recover",
    "trial",
    "trial_spend",
    "trial_spend",
    "conclude",
    "suspend",
    "resume",
    "resume",
    "close",
    "envelope",
    # the decision pathway (issue 9)
    "indicative",
    "plan",
    "plan",
    "review",
    "previous",
)
MAX_BUDGETS = 4
STEPS = st.lists(
    st.tuples(
        st.sampled_from(COMMANDS), st.integers(0, MAX_BUDGETS - 1), st.integers(1, 60), st.integers(0, 2**16)
    ),
    min_size=10,
    max_size=60,
)
Step = tuple[str, int, int, int]
CW = CASEWORKER


def random_steps(seed: int, count: int) -> list[Step]:
    rng = random.Random(seed)
    return [
        (rng.choice(COMMANDS), rng.randrange(MAX_BUDGETS), rng.randint(1, 60), rng.randrange(2**16))
        for _ in range(count)
    ]


#: the default scheme's rules plus a surplus threshold, so the surplus read model has budgets to list
HOLDING_LIMIT = {
    "id": "local-with-holding-limit",
    "version": 1,
    "title": "The default rules, with a surplus threshold of four weeks of support",
    "monitoring": {"every_months": 6, "due_days_after": 28},
    "surplus_weeks": 4,
}


def run(app: LedgerService, steps: list[Step]) -> list[UUID]:
    budgets: list[UUID] = []
    publish_scheme(app, HOLDING_LIMIT, "test")
    for step in steps:
        with contextlib.suppress(errors.LedgerError):  # a refused command records nothing
            run_step(app, budgets, step)
    return budgets


def amounts(size: int, pick: int) -> dict[str, Decimal]:
    chosen = [s for i, s in enumerate(FundingStream) if pick >> i & 1] or ["social_care"]
    given = {s: Decimal(size * 20 + i * 10) for i, s in enumerate(chosen)}
    if pick & 8 and len(chosen) > 1:
        given[chosen[0]] = Decimal(0)  # a stream named with nothing allocated from it
    return given


def spend_request(budget: Budget, size: int, pick: int, stream: str | None) -> SpendRequest:
    with_units = bool(pick & 16)
    return SpendRequest(
        Decimal(size) + Decimal(pick % 100) / 100,
        list(Category)[pick % len(Category)],
        "Provider",
        budget.period_start + timedelta(days=pick % 300),
        "support",
        Decimal(pick % 7 + 1) if with_units else None,
        list(Unit)[pick % len(Unit)] if with_units else None,
        stream,
    )


def chosen(items: list[Any], pick: int) -> Any:
    if not items:
        raise errors.ItemNotFound("nothing to choose")
    return items[pick % len(items)]


def run_step(app: LedgerService, budgets: list[UUID], step: Step) -> None:
    command, which, size, pick = step
    if command == "open" or not budgets:
        if len(budgets) < MAX_BUDGETS:
            start = date(2026, 4, 1) if pick & 1 else date(2026, 1, 1)  # financial years 2026 and 2025
            budget_id = open_budget(
                app,
                cohort=chosen(["pilot", "legacy", None], pick >> 1),
                management=chosen(list(Management), pick >> 3),
                period_start=start,
                period_end=start + timedelta(days=364),
                scheme=HOLDING_LIMIT["id"] if pick & 128 else None,
            )
            budgets.append(budget_id)
            if pick & 64:  # most budgets are funded at once; the others wait for "allocate"/"fund"
                _fund(app, app.load(budget_id), size, pick)
        return
    if command == "envelope":
        set_envelope(
            app, COMMISSIONER, chosen(list(FundingStream), pick), 2025 + pick % 2, Decimal(size * 100), "r"
        )
        return
    budget_id = budgets[which % len(budgets)]
    budget = app.load(budget_id)
    BUDGET_COMMANDS[command](app, budget, size, pick)


def _allocate(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.decide_allocation(CW, b.id, amounts(size, pick), "rationale")


def _fund(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    """Allocate if need be, then schedule and release an ungated instalment: spends need funds."""
    if b.allocation is None:
        b = app.decide_allocation(CW, b.id, amounts(size, pick), "rationale").budget
    number = app.schedule_instalment(
        CW, b.id, min(Decimal(size * 10), b.allocated - b.scheduled), date(2026, 4, 1), False
    ).result
    app.release_instalment(CW, b.id, number)


def _revise(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.revise_allocation(CW, b.id, amounts(size * 2, pick), "revision")


def _schedule(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    due = date(2026, 4 + pick % 9, 1)
    app.schedule_instalment(CW, b.id, Decimal(size * 5), due, bool(pick & 1))


def _release(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.release_instalment(CW, b.id, chosen([i.number for i in b.instalments], pick))


def _cancel(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.cancel_instalment(CW, b.id, chosen([i.number for i in b.instalments], pick), "not needed")


def _spend(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    request = spend_request(b, size, pick, None)
    if b.status == "active" and b.available < request.amount and pick & 128:
        _fund(app, b, size * 2, pick)  # now and then, top up first: spends are the point
        b = app.load(b.id)
    allocated = list(b.allocation.amounts) if b.allocation else []
    stream = chosen(allocated, pick >> 5) if allocated and pick & 32 else None
    app.record_spend(CW, b.id, spend_request(b, size, pick, stream))


def _reverse(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    live = [s.spend_id for s in b.spends.values() if not s.reversed]
    app.reverse_spend(CW, b.id, chosen(live, pick), "reversed")


def _return(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    start = b.period_start + timedelta(days=pick % 100)
    declared = Decimal(size * 3)
    lines = [ReturnLine(list(Category)[pick % len(Category)], declared)] if pick & 4 else None
    app.submit_return(
        CW, b.id, start, start + timedelta(days=60 + pick % 120), declared, "notes", lines=lines
    )


def _decide(accept: bool) -> Any:
    def decide(app: LedgerService, b: Budget, size: int, pick: int) -> None:
        rid = chosen([r.return_id for r in b.returns.values() if r.status == "submitted"], pick)
        if accept:
            app.accept_return(CW, b.id, rid)
        else:
            app.query_return(CW, b.id, rid, "please explain")

    return decide


def _recover(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.recover_surplus(CW, b.id, min(b.available, Decimal(size)), "surplus")


def _trial(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.start_trial(CW, b.id, "trial", Decimal(size * 10), Decimal(size * 12))


def _trial_spend(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    trial = chosen([t.trial_id for t in b.trials.values() if t.status == "open"], pick)
    app.record_trial_spend(CW, b.id, trial, spend_request(b, size, pick, None))


def _conclude(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    trial = chosen([t.trial_id for t in b.trials.values() if t.status == "open"], pick)
    app.conclude_trial(CW, b.id, trial, chosen(["adopted", "abandoned"], pick >> 2), "notes")


def _close(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    if pick % 4:
        return  # closing is final: keep it rare so that most budgets go on spending
    if b.available > 0:
        app.recover_surplus(CW, b.id, b.available, "closing")
    app.close_budget(CW, b.id, "ended")


BUDGET_COMMANDS = {
    "allocate": _allocate,
    "fund": _fund,
    "revise": _revise,
    "schedule": _schedule,
    "release": _release,
    "cancel": _cancel,
    "spend": _spend,
    "reverse": _reverse,
    "return": _return,
    "accept": _decide(True),
    "query": _decide(False),
    "recover": _recover,
    "trial": _trial,
    "trial_spend": _trial_spend,
    "conclude": _conclude,
    "suspend": lambda app, b, size, pick: app.suspend_budget(CW, b.id, "paused"),
    "resume": lambda app, b, size, pick: app.resume_budget(CW, b.id, "resumed"),
    "close": _close,
    **PATHWAY_COMMANDS,
}
