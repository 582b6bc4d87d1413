"""Casework beyond the routine: reviews, a suspension lifted, a closure, a suspension at year end.

So the demo holds a budget in every status (`active`, `suspended`, `closed`) and
the events that move between them: one family is suspended while its bank account
changes and resumed the same month; one moves out of the area after December (its
January instalment is cancelled, the unspent money recovered, and the budget
closed, which needs nothing left available); one is suspended at the year's end
pending a review. Every seventh family has its October review.
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.money import ZERO
from ledger_demo.context import CASEWORKER, CLOSED_AFTER, Demo, Timeline
from ledger_demo.year import YEAR_END, month_start

REVIEWS = (
    "Outcomes on track; PA hours now cover after-school clubs",
    "Carers report better sleep since the change to the package",
    "Agreed to try community activities at weekends",
)
MOVED = "Family moved out of the area"


def review_every_seventh(demo: Demo) -> None:
    for plan in [p for p in demo.plans if p.index % 7 == 0]:
        reviewed_on = date(2026, 10, 1 + plan.index % 28)
        summary, next_due = REVIEWS[plan.index % len(REVIEWS)], reviewed_on + timedelta(days=182)
        demo.do(demo.service.review(CASEWORKER, plan.budget_id, reviewed_on, summary, next_due))


def suspend_and_resume(demo: Demo) -> None:
    plan, s = demo.role["suspended_and_resumed"], demo.service
    demo.do(s.suspend_budget(CASEWORKER, plan.budget_id, "Bank account closed: payments paused"))
    demo.do(s.resume_budget(CASEWORKER, plan.budget_id, "New bank account confirmed"))


def close_after_a_move(demo: Demo) -> None:
    """Cancel what is still to come, recover what is unspent, then close (nothing may stay available)."""
    plan, s = demo.role["closed"], demo.service
    for number, (_, due_on, _) in enumerate(plan.instalments(), 1):
        if due_on >= month_start(CLOSED_AFTER + 1):
            demo.do(s.cancel_instalment(CASEWORKER, plan.budget_id, number, MOVED))
    available = demo.available[plan.budget_id]
    if available > ZERO:
        reason = f"{MOVED}: unspent funds recovered"
        demo.do(s.recover_surplus(CASEWORKER, plan.budget_id, available, reason))
    demo.do(s.close_budget(CASEWORKER, plan.budget_id, MOVED))


def suspend_at_year_end(demo: Demo) -> None:
    plan = demo.role["suspended"]
    reason = "Concerns about the use of funds: paused pending a review"
    demo.do(demo.service.suspend_budget(CASEWORKER, plan.budget_id, reason))


TIMELINE: Timeline = (
    (4, suspend_and_resume),
    (6, review_every_seventh),
    (CLOSED_AFTER, close_after_a_move),
    (YEAR_END, suspend_at_year_end),
)
