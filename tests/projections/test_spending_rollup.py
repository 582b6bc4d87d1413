"""The spending answers read from the rollup (`cells`) equal the same answers summed from the facts.

For random ledgers (spends, reversals, trial spends, monitoring returns with lines,
queried returns) and random questions (any grouping, periods starting or ending
inside a month or on its edges, cohort, trials, basis), `spending`,
`spending_and_families` (the answer and the families behind each group, in one
statement) and `families_in_answer` agree with a reference that sums the fact
rows one by one, as the read model did before the rollup.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.projections import spending as sp
from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.builders import a_spend_on, open_funded_budget
from tests.conftest import CASEWORKER
from tests.projections.commands import STEPS, Step, random_steps, run
from tests.projections.conftest import settled

DAYS = (
    None,
    date(2026, 1, 1),
    date(2026, 4, 1),
    date(2026, 4, 17),
    date(2026, 5, 31),
    date(2026, 6, 30),
    date(2026, 7, 2),
    date(2026, 9, 1),
    date(2026, 12, 31),
    date(2027, 2, 14),
)
Question = tuple[list[str], date | None, date | None, str | None, bool, str]
QUESTIONS = st.tuples(
    st.lists(st.sampled_from(sp.GROUP_KEYS), max_size=3, unique=True),
    st.sampled_from(DAYS),
    st.sampled_from(DAYS),
    st.sampled_from([None, "pilot", "legacy"]),
    st.booleans(),
    st.sampled_from(sp.BASES),
)


def from_facts(view: Any, question: Question) -> tuple[Any, ...]:
    """The answers as the facts give them: one row per spend, reversal or declared line."""
    keys, date_from, date_to, cohort, trials, basis = question
    f = view.facts
    columns = [f.c[k] for k in keys]

    def asked(query: Any) -> Any:  # every fact the question covers, whole months included
        return sp._facts_asked_for(query, f, date_from, date_to, cohort, trials, basis)

    sums = select(
        *columns, f.c.unit, func.sum(f.c.amount).label("amount"), func.sum(f.c.units).label("units")
    )
    groups = sp._fold_rows(view.select(asked(sums.group_by(*columns, f.c.unit))), keys)
    ordered = sorted(groups, key=sp._sort_key)
    shares = sp._shares(ordered, groups)
    answer = {
        "groups": [sp._present(keys, k, groups[k], shares[k]) for k in ordered],
        "total": sp.from_pence(sum(g["amount"] for g in groups.values())),
    }
    pairs = select(*columns, f.c.budget_id, f.c.family_ref).group_by(*columns, f.c.budget_id, f.c.family_ref)
    families: dict[tuple[Any, ...], set[str]] = {}
    for row in view.select(asked(pairs.having(func.sum(f.c.amount) != 0))):
        families.setdefault(tuple(row[k] for k in keys), set()).add(row["family_ref"])
    shown = set().union(*(families.get(k, set()) for k in ordered))
    return answer, (answer, {g: len(f) for g, f in families.items()}), len(shown)


def from_rollup(view: Any, question: Question) -> tuple[Any, ...]:
    return (
        view.spending(*question),
        view.spending_and_families(*question),
        view.families_in_answer(*question),
    )


def check(url: str, steps: list[Step], questions: list[Question]) -> None:
    app = LedgerService(url=url)
    side = ReadSide(url, ["spending"])
    side.start()
    try:
        run(app, steps)
        side.wait(app.recorder.max_notification_id() or 0, timeout=30)
        view = side.view("spending")
        for question in questions:
            if question[1] and question[2] and question[1] > question[2]:
                continue  # refused alike (InvalidPeriod)
            assert from_rollup(view, question) == from_facts(view, question), question
    finally:
        side.stop()
        app.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, questions=st.lists(QUESTIONS, min_size=1, max_size=12))
def test_rollup_answers_equal_the_facts_answers_on_sqlite(
    steps: list[Step], questions: list[Question]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check(f"sqlite:///{tmp}/ledger.db", steps, questions)


def test_a_long_sequence_answers_alike_from_rollup_and_facts(store_url: str) -> None:
    questions: list[Question] = [
        (keys, date_from, date_to, cohort, trials, basis)
        for keys in ([], ["category"], ["month", "category"], ["provider"], ["cohort", "stream"])
        for date_from, date_to in (
            (None, None),
            (date(2026, 4, 17), None),
            (date(2026, 5, 1), date(2026, 8, 14)),
        )
        for cohort in (None, "pilot")
        for trials in (False, True)
        for basis in ("recorded", "all")
    ]
    check(store_url, random_steps(seed=11, count=200), questions)


def test_budgets_alike_but_for_their_cohort_stay_apart_in_the_totals(ledger, readside) -> None:  # type: ignore[no-untyped-def]
    """The `totals` key holds the cohort, none included: three budgets' same spend, three groups."""
    spend = a_spend_on("10.00", "personal_assistant", date(2026, 5, 4), "1", "hours")
    for cohort in (None, "pilot", "legacy"):
        ledger.record_spend(CASEWORKER, open_funded_budget(ledger, cohort=cohort), spend)
    view = settled(readside, ledger, "spending")
    by_cohort = {g["cohort"]: g["amount"] for g in view.spending(["cohort"])["groups"]}
    assert by_cohort == {None: Decimal("10.00"), "pilot": Decimal("10.00"), "legacy": Decimal("10.00")}
    assert view.spending([], cohort="pilot")["total"] == Decimal("10.00")
    rows = view.select(select(view.totals.c.cohort, view.totals.c.amount))
    kept = sorted((r["cohort"] or "", r["amount"]) for r in rows)
    assert kept == [("", 1000), ("legacy", 1000), ("pilot", 1000)]
