"""Monitoring returns: the routine quarterly forms, and the ones that hold an instalment back.

Most families send a form each quarter (a flat-rate family each half year) and the
caseworker accepts it, which opens the gate for the next gated instalment. A few
are late, a few are queried and corrected, and one family per kind never gets past
the gate, so the monitoring read model has something to show:

- `never_sent`: a flat-rate family never returns its first form, so its October
  instalment waits at the gate and is overdue from 1 October 2026;
- `queried_unanswered`: the caseworker queries a managed account's July-September
  return and nobody answers, so October's and January's instalments wait;
- `awaiting_decision`: a family's October-December return is submitted and not yet
  decided, so January's instalment waits (overdue only from 1 January 2027).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ledger.money import ZERO, total
from ledger_demo.cohort import FamilyPlan
from ledger_demo.context import CASEWORKER, Demo, submitter_of
from ledger_demo.year import month_start

EXTRA = Decimal("120.00")  # a deposit declared but refunded, so never recorded
QUERY = "Declares 120.00 more than the recorded spends: receipts please"


def is_late(plan: FamilyPlan) -> bool:
    return plan.index % 11 == 3 and not plan.gated


def collect(demo: Demo, quarter: int) -> None:
    """The forms for the quarter just ended, in family order (none from a family that moved away)."""
    for plan in demo.live(3 * quarter + 3):
        if _skips(demo, plan, quarter):
            continue
        if is_late(plan) and quarter == 1:
            _submit(demo, plan, 0, 0, "Sent late: the form was lost in the post")
        first = quarter - 1 if plan.flat else quarter
        if demo.plays(plan, "queried_unanswered") and quarter == 1:
            _query(demo, plan, _submit(demo, plan, first, quarter, "Spent as planned", EXTRA))
        elif demo.plays(plan, "awaiting_decision") and quarter == 2:
            _submit(demo, plan, first, quarter, "Spent as the support plan sets out", decide=False)
        elif plan.index % 13 == 3 and quarter == 1:
            _query_then_resubmit(demo, plan, first, quarter)
        else:
            _submit(demo, plan, first, quarter, "Spent as the support plan sets out")


def _skips(demo: Demo, plan: FamilyPlan, quarter: int) -> bool:
    if plan.flat and quarter % 2 == 0:
        return True  # half-yearly
    if is_late(plan) and quarter == 0:
        return True  # sent with the next one
    if plan.index % 23 == 9 and quarter == 3:
        return True  # the year's last form is missing, but no instalment waits on it
    if demo.plays(plan, "never_sent"):
        return True
    # after its story's return, the family waits for the council before sending more
    return (demo.plays(plan, "queried_unanswered") and quarter > 1) or (
        demo.plays(plan, "awaiting_decision") and quarter > 2
    )


def _submit(
    demo: Demo,
    plan: FamilyPlan,
    first: int,
    last: int,
    notes: str,
    extra: Decimal = ZERO,
    decide: bool = True,
) -> str:
    """Declare what was recorded over quarters `first` to `last` (plus `extra`); accept it if true."""
    declared = total(demo.spent[plan.index, q] for q in range(first, last + 1)) + extra
    return_id = demo.do(
        demo.service.submit_return(
            submitter_of(plan),
            plan.budget_id,
            month_start(3 * first),
            month_start(3 * last + 3) - timedelta(days=1),
            declared,
            notes,
        )
    )
    if decide and not extra:
        demo.accept(plan, return_id)
    return return_id


def _query(demo: Demo, plan: FamilyPlan, return_id: str) -> None:
    demo.do(demo.service.query_return(CASEWORKER, plan.budget_id, return_id, QUERY))
    demo.ids[f"queried/{plan.index}"] = return_id


def _query_then_resubmit(demo: Demo, plan: FamilyPlan, first: int, last: int) -> None:
    _query(demo, plan, _submit(demo, plan, first, last, "Includes the holiday club deposit", EXTRA))
    _submit(demo, plan, first, last, "Corrected: the holiday club deposit was refunded")
