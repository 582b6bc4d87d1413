"""The parts a budget is made of, as frozen dataclasses rebuilt from its events.

Frozen so that copies of a budget share them (`BudgetBase.__deepcopy__`): an event
that changes an item puts a new one in its place (`dataclasses.replace`), and the
lists and dicts an item holds are never changed after it is made. Dicts are keyed
by string ids (JSON object keys are strings, so snapshots keep them as they are);
`date` and these classes get transcodings in `ledger.store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.figures import Figures
from ledger.aggregates.vocabulary import DisputeStatus, InstalmentStatus, ReturnStatus, TrialStatus


@dataclass(frozen=True)
class Allocation:
    amounts: dict[str, Decimal]
    rationale: str
    variance_reason: str | None = None
    scheme_id: str | None = None
    scheme_version: int | None = None
    scheme_fingerprint: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    points: int | None = None
    band: str | None = None
    indicative_amount: Decimal | None = None
    working: list[str] = field(default_factory=list)
    revisions: int = 0
    #: the Resource Panel decision the allocation relied on, if it needed one
    panel_decision_id: str | None = None


@dataclass(frozen=True)
class Instalment:
    number: int
    amount: Decimal
    due_on: date
    gated: bool
    status: InstalmentStatus = InstalmentStatus.SCHEDULED
    note: str | None = None


@dataclass(frozen=True)
class Spend:
    spend_id: str
    amount: Decimal
    category: str
    provider: str
    service_date: date
    description: str
    units: Decimal | None
    unit: str | None
    funding_stream: str | None
    charged_stream: str | None
    request_fingerprint: str
    reversed: bool = False
    reversal_reason: str | None = None
    #: the provider from the register (None: a free-text provider only)
    provider_id: str | None = None
    #: the medical tasks the care involved (names from the council's list)
    medical_tasks: list[str] = field(default_factory=list)
    #: why the spend went past a scheme's overnight nights threshold (None: it did not need to)
    nights_override_reason: str | None = None


@dataclass(frozen=True)
class MonitoringReturn:
    return_id: str
    period_start: date
    period_end: date
    declared_spent: Decimal
    notes: str
    submitted_at_version: int
    status: ReturnStatus = ReturnStatus.SUBMITTED
    query_reason: str | None = None
    #: how the money was spent, per category ({category, amount, units, unit}), adding up to declared_spent
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnDue:
    """A monitoring period of the scheme's schedule, and the return that accounts for it, if any."""

    period_start: date
    period_end: date
    due_on: date
    return_id: str | None

    def overdue_days(self, today: date) -> int | None:
        """Days past due with no return (None: met, or not yet due)."""
        return (today - self.due_on).days if self.return_id is None and today > self.due_on else None


@dataclass(frozen=True)
class ReturnLine:
    """A monitoring return's line as asked for (checked by `submit_return`)."""

    category: str
    amount: Decimal
    units: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Trial:
    trial_id: str
    name: str
    virtual_amount: Decimal
    baseline_cost: Decimal
    spent: Decimal
    status: TrialStatus = TrialStatus.OPEN
    notes: str | None = None
    spends: dict[str, Spend] = field(default_factory=dict)


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    subject: str
    subject_ref: str | None
    grounds: str
    status: DisputeStatus = DisputeStatus.OPEN
    outcome: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class Review:
    reviewed_on: date
    summary: str
    next_review_due: date
    #: the support plan's outcomes as rated [{outcome_id, rating, note}] (none before issue 9)
    outcomes: list[dict[str, Any]] = field(default_factory=list)


#: every value type the transcoder meets in events and snapshots (`ledger.store` registers them)
STATE_TYPES = (Allocation, Instalment, Spend, MonitoringReturn, Trial, Dispute, Review, Figures)
