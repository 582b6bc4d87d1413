"""Disputes: one about each subject, three resolved and one left open.

Each resolution that changes money is followed by the event that changes it and
names the dispute (the design's rule): an allocation dispute upheld in part
raises the allocation by `REVISION` and releases the uplift; a spend paid twice
is reversed. A dispute about a queried return is not upheld, and one about a
gated instalment is still open at the year's end.
"""

from __future__ import annotations

from datetime import date

from ledger_demo.cohort import REVISION
from ledger_demo.context import CASEWORKER, Demo, Timeline, family_of, spender_of
from ledger_demo.spending import month_spends


def _raise(demo: Demo, role: str, subject: str, grounds: str, ref: str | None = None) -> None:
    plan = demo.role[role]
    dispute_id = demo.do(demo.service.raise_dispute(family_of(plan), plan.budget_id, subject, grounds, ref))
    demo.ids[f"dispute/{subject}"] = dispute_id


def _resolve(demo: Demo, role: str, subject: str, outcome: str, resolution: str) -> str:
    plan, dispute_id = demo.role[role], demo.ids[f"dispute/{subject}"]
    demo.do(demo.service.resolve_dispute(CASEWORKER, plan.budget_id, dispute_id, outcome, resolution))
    return dispute_id


def raise_allocation_dispute(demo: Demo) -> None:
    grounds = "Night support was scored as 'some'; our son wakes several times every night"
    _raise(demo, "allocation_dispute", "allocation", grounds)


def uphold_allocation_dispute_in_part(demo: Demo) -> None:
    resolution = "Night support re-scored as substantial; an uplift of 480.00 agreed"
    dispute_id = _resolve(demo, "allocation_dispute", "allocation", "partly_upheld", resolution)
    plan, s = demo.role["allocation_dispute"], demo.service
    amounts = plan.amounts()
    amounts["social_care"] += REVISION
    demo.do(s.revise_allocation(CASEWORKER, plan.budget_id, amounts, "Dispute upheld in part", dispute_id))
    number = demo.do(s.schedule_instalment(CASEWORKER, plan.budget_id, REVISION, date(2026, 7, 15), False))
    demo.release(plan, number, gated=False)


def raise_spend_dispute(demo: Demo) -> None:
    plan = demo.role["spend_dispute"]
    charged_twice = min(month_spends(plan, 5, demo.seed), key=lambda r: r.amount)
    demo.ids["spend/duplicate"] = spend_id = demo.spend(plan, charged_twice, "demo/5/resent-invoice")
    _raise(demo, "spend_dispute", "spend", "The same invoice was paid twice", spend_id)


def uphold_spend_dispute(demo: Demo) -> None:
    resolution = "Paid twice in error: the second is reversed"
    dispute_id = _resolve(demo, "spend_dispute", "spend", "upheld", resolution)
    plan = demo.role["spend_dispute"]
    spend_id, reason = demo.ids["spend/duplicate"], "Duplicate payment of one invoice"
    demo.do(demo.service.reverse_spend(spender_of(plan), plan.budget_id, spend_id, reason, dispute_id))


def raise_return_dispute(demo: Demo) -> None:
    queried = demo.ids[f"queried/{demo.role['return_dispute'].index}"]
    grounds = "The deposit was a real cost when we sent the form"
    _raise(demo, "return_dispute", "monitoring_return", grounds, queried)


def turn_down_return_dispute(demo: Demo) -> None:
    resolution = "The deposit was refunded in the same quarter, so the corrected return stands"
    _resolve(demo, "return_dispute", "monitoring_return", "not_upheld", resolution)


def raise_instalment_dispute(demo: Demo) -> None:
    grounds = "The October instalment waited on a form we had already sent"
    _raise(demo, "instalment_dispute", "instalment", grounds, "3")


TIMELINE: Timeline = (
    (2, raise_allocation_dispute),
    (3, uphold_allocation_dispute_in_part),
    (5, raise_spend_dispute),
    (6, uphold_spend_dispute),
    (6, raise_return_dispute),
    (7, turn_down_return_dispute),
    (8, raise_instalment_dispute),  # still open at the year's end
)
