"""Every state the demo promises (issue 12), read back through the application on both stores.

Each story is played by one of the first nine families (`ledger_demo.cohort.ROLES`),
so the references below are fixed: BH-2026-0006 has a queried return nobody
answered, BH-2026-0007 a return awaiting a decision, BH-2026-0009 (flat rate)
never sent its form. The read models' and HTTP view of the same states is in
`test_demo_analytics.py`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.audit import history
from ledger.envelopes import list_envelopes
from ledger_demo.cohort import ROLES, references
from tests.demo.conftest import Loaded

AUDITOR = Actor("aud-demo-test", "auditor")
ROLE_REFS = {role: references(9)[index] for role, index in ROLES.items()}
QUERIED, AWAITING = ROLE_REFS["queried_unanswered"], ROLE_REFS["awaiting_decision"]
NEVER_SENT = ROLE_REFS["never_sent"]


def gated_and_scheduled(budget: Budget) -> list[int]:
    return [i.number for i in budget.instalments if i.gated and i.status == "scheduled"]


def test_budgets_are_active_suspended_and_closed_and_one_was_suspended_and_resumed(demo: Loaded) -> None:
    assert Counter(b.status for b in demo.budgets) == {"active": 90, "suspended": 1, "closed": 1}
    resumed = [
        b.reference
        for b in demo.budgets
        if {"BudgetSuspended", "BudgetResumed"}
        <= {type(e).__name__ for e in history(demo.service, AUDITOR, b.id)}
    ]
    assert resumed == [ROLE_REFS["suspended_and_resumed"]]


def test_the_closed_budget_cancelled_what_was_to_come_and_recovered_what_was_unspent(demo: Loaded) -> None:
    (closed,) = [b for b in demo.budgets if b.status == "closed"]
    assert closed.available == Decimal("0.00") and closed.recovered > 0
    assert [i.status for i in closed.instalments][-1] == "cancelled"


def test_exactly_three_budgets_wait_at_the_gate_each_for_its_own_reason(demo: Loaded) -> None:
    waiting = {b.reference: gated_and_scheduled(b) for b in demo.budgets if gated_and_scheduled(b)}
    assert (QUERIED, AWAITING, NEVER_SENT) == ("BH-2026-0006", "BH-2026-0007", "BH-2026-0009")
    assert waiting == {QUERIED: [3, 4], AWAITING: [4], NEVER_SENT: [2]}
    latest = {ref: [r.status for r in demo.budget(ref).returns.values()][-1:] for ref in waiting}
    assert latest == {QUERIED: ["queried"], AWAITING: ["submitted"], NEVER_SENT: []}


def test_the_instalments_waiting_since_october_are_overdue_today(demo: Loaded) -> None:
    due = {
        (b.reference, i.number): i.due_on
        for b in demo.budgets
        for i in b.instalments
        if i.gated and i.status == "scheduled"
    }
    assert due[QUERIED, 3] == due[NEVER_SENT, 2] == date(2026, 10, 1) < date.today()
    assert due[QUERIED, 4] == due[AWAITING, 4] == date(2027, 1, 1)


def test_returns_are_accepted_queried_and_awaiting_a_decision(demo: Loaded) -> None:
    statuses = Counter(r.status for b in demo.budgets for r in b.returns.values())
    assert set(statuses) == {"accepted", "queried", "submitted"}
    assert statuses["submitted"] == 1
    assert statuses["queried"] >= 2  # one answered by a corrected return, one never answered


def test_disputes_about_every_subject_three_resolved_and_one_open(demo: Loaded) -> None:
    disputes = [d for b in demo.budgets for d in b.disputes.values()]
    assert {d.subject for d in disputes} == {"allocation", "spend", "instalment", "monitoring_return"}
    assert Counter(d.status for d in disputes) == {"resolved": 3, "open": 1}
    assert {d.outcome for d in disputes if d.status == "resolved"} == {
        "upheld",
        "partly_upheld",
        "not_upheld",
    }
    assert sum(b.allocation.revisions for b in demo.budgets if b.allocation) == 1
    assert sum(s.reversed for b in demo.budgets for s in b.spends.values()) == 1


def test_trials_end_adopted_and_abandoned(demo: Loaded) -> None:
    trials = [t for b in demo.budgets for t in b.trials.values()]
    assert sorted(t.status for t in trials) == ["abandoned", "adopted"]


def test_reviews_and_variances_are_on_record(demo: Loaded) -> None:
    assert sum(len(b.reviews) for b in demo.budgets) >= 5
    for budget in demo.budgets:
        allocation = budget.allocation
        assert allocation is not None
        if allocation.indicative_amount != sum(allocation.amounts.values()) and not allocation.revisions:
            assert allocation.variance_reason


def test_envelopes_cover_every_stream_of_the_year_with_headroom(demo: Loaded) -> None:
    envelopes = {e.stream: e for e in list_envelopes(demo.service, AUDITOR, 2026)}
    allocated: Counter[str] = Counter()
    for budget in demo.budgets:
        assert budget.allocation is not None
        for stream, amount in budget.allocation.amounts.items():
            allocated[stream] += amount
    assert set(envelopes) == set(allocated) == {"social_care", "health", "education"}
    amounts = {stream: e.amount for stream, e in envelopes.items()}
    assert amounts == {
        "social_care": Decimal("380000.00"),
        "health": Decimal("22500.00"),  # October's 20,000 + 2,500 supersedes April's
        "education": Decimal("5000.00"),
    }
    assert all(amounts[s] >= allocated[s] for s in amounts)
    assert envelopes["health"].reason == "Integrated care board's in-year contribution"


# --- issue 8: the flat-rate families run under the Wiltshire scheme ---
def test_the_flat_rate_families_run_the_wiltshire_scheme_in_every_state(demo: Loaded) -> None:
    wiltshire = [b for b in demo.budgets if b.scheme.id == "wiltshire-short-breaks"]
    assert len(wiltshire) == 10  # the families planned at the flat rate: every ninth
    for b in wiltshire:
        # the scheme scheduled two equal halves of 600.00 when the allocation was decided, the second gated
        assert [(i.amount, i.gated) for i in b.instalments] == [
            (Decimal("300.00"), False),
            (Decimal("300.00"), True),
        ]
        assert b.bank_account_confirmed_on is not None
    # waiting at the gate and overdue: the family that never sent its form, October's half still held
    never = next(b for b in wiltshire if b.reference == NEVER_SENT)
    assert never.figures().waiting_at_gate == [2] and not never.returns
    assert never.instalments[1].due_on < date(2027, 3, 31)
    # returned and released: the others' second half went out once their form was in
    released = [b for b in wiltshire if b.instalments[1].status == "released"]
    assert len(released) == 9
    assert all(b.returns for b in released)
