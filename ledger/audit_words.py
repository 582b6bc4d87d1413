"""Each recorded event as one sentence in plain words, for people who are not accountants.

Used by the dispute pack. A sentence says what happened; why it happened (a reason,
rationale, grounds or resolution) is kept apart so the page can show it beside.
An event kind with no sentence here still shows, by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any


def pounds(amount: Decimal | None) -> str:
    return "nothing" if amount is None else f"£{amount:,.2f}"


def words(code: str) -> str:
    """A code word as plain words: `partly_upheld` -> `partly upheld`."""
    return code.replace("_", " ")


def _panel(event: Any) -> str:
    """Which Resource Panel decision an allocation relied on, if it needed one."""
    decision = getattr(event, "panel_decision_id", None)
    return f" It relied on Resource Panel decision {decision}." if decision else ""


def _amounts(amounts: dict[str, Decimal]) -> str:
    parts = [f"{pounds(v)} {words(k)}" for k, v in sorted(amounts.items())]
    return ", ".join(parts) + f" (total {pounds(sum(amounts.values(), Decimal('0.00')))})"


SENTENCES: dict[str, Callable[[Any], str]] = {
    "BudgetOpened": lambda e: (
        f"The budget {e.reference} was opened for family {e.family_ref}, from {e.period_start} "
        f"to {e.period_end}, held as {words(e.management)}."
    ),
    "AllocationDecided": lambda e: f"The allocation was decided: {_amounts(e.amounts)}.{_panel(e)}",
    "AllocationRevised": lambda e: f"The allocation was revised to {_amounts(e.amounts)}.{_panel(e)}",
    "InstalmentScheduled": lambda e: (
        f"Instalment {e.number} of {pounds(e.amount)} was scheduled for {e.due_on}"
        + (", to be paid once a monitoring return is accepted." if e.gated else ".")
    ),
    "InstalmentReleased": lambda e: f"Instalment {e.number} was paid into the budget.",
    "InstalmentCancelled": lambda e: f"Instalment {e.number} was cancelled.",
    "SpendRecorded": lambda e: (
        f"A spend of {pounds(e.amount)} on {words(e.category)} from {e.provider} "
        f"for {e.service_date} was recorded."
    ),
    "SpendReversed": lambda e: (
        f"The spend of {pounds(e.amount)} for {e.service_date} was reversed: the money is back in the budget."
    ),
    "MonitoringReturnSubmitted": lambda e: (
        f"A monitoring return for {e.period_start} to {e.period_end} "
        f"declared {pounds(e.declared_spent)} spent."
    ),
    "MonitoringReturnAccepted": lambda e: f"Monitoring return {e.return_id} was accepted.",
    "MonitoringReturnQueried": lambda e: f"Monitoring return {e.return_id} was queried.",
    "SurplusRecovered": lambda e: f"{pounds(e.amount)} of unspent money was taken back by the council.",
    "TrialStarted": lambda e: (
        f"A trial, {e.name}, was started with {pounds(e.virtual_amount)} of pretend money."
    ),
    "TrialSpendRecorded": lambda e: (
        f"A trial spend of {pounds(e.amount)} was recorded (no real money moved)."
    ),
    "TrialConcluded": lambda e: f"The trial ended: {e.outcome}.",
    "DisputeRaised": lambda e: f"A dispute ({e.dispute_id}) was raised about the {words(e.subject)}.",
    "DisputeResolved": lambda e: f"Dispute {e.dispute_id} was resolved: {words(e.outcome)}.",
    "BudgetReviewed": lambda e: (
        f"The budget was reviewed on {e.reviewed_on}; next review due {e.next_review_due}."
    ),
    "IndicativeBudgetSet": lambda e: (
        f"The indicative budget was worked out as {pounds(e.indicative_amount)} ({e.points} points)"
        + (", with the family." if e.completed_with_family else ".")
    ),
    "SupportPlanAgreed": lambda e: (
        f"The support plan was agreed on {e.agreed_on}: {len(e.outcomes)} outcome(s), "
        f"{pounds(e.planned_total)} planned; first review due {e.next_review_due}."
    ),
    "SupportPlanRevised": lambda e: (
        f"The support plan was revised (version {e.plan_version}) on {e.agreed_on}: "
        f"{pounds(e.planned_total)} planned; next review due {e.next_review_due}."
    ),
    "PanelDecisionRecorded": lambda e: (
        f"The Resource Panel of {e.panel_date} (decision {e.reference}, chaired by the {e.chair_role}) "
        f"agreed {pounds(e.amount)}."
    ),
    "PreviousPackageRecorded": lambda e: (
        f"The package the budget replaces cost {pounds(e.cost)}; the family is {words(e.entry_route)}."
    ),
    # commitments (issue 10)
    "CommitmentMade": lambda e: (
        f"An order of {pounds(e.amount)} ({e.quantity} {words(e.unit or 'units')} at {pounds(e.unit_price)}) "
        f"for {words(e.category)} was committed: that money is held for it."
    ),
    "CommitmentPaid": lambda e: (
        f"{pounds(e.amount)} of order {e.commitment_id} was paid (the spend that follows)."
    ),
    "CommitmentCancelled": lambda e: (
        f"Order {e.commitment_id} was cancelled: the {pounds(e.released)} still held is back in the budget."
    ),
    "BudgetSuspended": lambda _: "The budget was suspended.",
    "BudgetResumed": lambda _: "The budget was resumed.",
    "BudgetClosed": lambda _: "The budget was closed.",
    "FamilyTextErased": lambda _: (
        "The family's written words (descriptions, notes, reasons) were erased on request;"
        " the amounts and the proof are unchanged."
    ),
}
#: the fields that say why, in the order they are looked for
WHY = ("reason", "rationale", "variance_reason", "grounds", "resolution", "summary", "notes")


def sentence(event: Any) -> str:
    say = SENTENCES.get(type(event).__name__)
    return say(event) if say else f"{type(event).__name__} was recorded."


def why(event: Any) -> str | None:
    reasons = [str(getattr(event, k)) for k in WHY if getattr(event, k, None)]
    return "; ".join(reasons) or None
