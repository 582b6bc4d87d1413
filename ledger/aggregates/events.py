"""The Budget's events: one frozen class per business fact, each knowing how it applies.

Applying an event never checks and never fails: the rules were checked by the
command that triggered it (`ledger.aggregates.budget`). Every event carries the
actor (`actor_id`, `actor_role`) and its place in the hash chain
(`prev_hash`, `hash`); corrections carry a `reason`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from ledger.aggregates.state import (
    Allocation,
    Dispute,
    Instalment,
    MonitoringReturn,
    Review,
    Spend,
    Trial,
)

if TYPE_CHECKING:
    from ledger.aggregates.budget import Budget


class BudgetEvent(Aggregate.Event):
    actor_id: str
    actor_role: str
    prev_hash: str
    hash: str

    def apply(self, aggregate: Any) -> None:
        self.apply_to(aggregate)
        aggregate.head_hash = self.hash

    def apply_to(self, budget: Budget) -> None:
        """Evolve the budget's state; overridden by each event."""


class BudgetOpened(BudgetEvent, Aggregate.Created):
    reference: str
    family_ref: str
    period_start: date
    period_end: date
    management: str
    cohort: str | None
    broker_org: str | None

    def apply_to(self, budget: Budget) -> None:
        budget.reference = self.reference
        budget.family_ref = self.family_ref
        budget.period_start = self.period_start
        budget.period_end = self.period_end
        budget.management = self.management
        budget.cohort = self.cohort
        budget.broker_org = self.broker_org


class AllocationDecided(BudgetEvent):
    amounts: dict[str, Decimal]
    rationale: str
    variance_reason: str | None
    scheme_id: str | None
    scheme_version: int | None
    scheme_fingerprint: str | None
    answers: dict[str, str]
    points: int | None
    band: str | None
    indicative_amount: Decimal | None
    working: list[str]

    def apply_to(self, budget: Budget) -> None:
        budget.allocation = Allocation(
            amounts=dict(self.amounts),
            rationale=self.rationale,
            variance_reason=self.variance_reason,
            scheme_id=self.scheme_id,
            scheme_version=self.scheme_version,
            scheme_fingerprint=self.scheme_fingerprint,
            answers=dict(self.answers),
            points=self.points,
            band=self.band,
            indicative_amount=self.indicative_amount,
            working=list(self.working),
        )
        budget.status = "active"


class AllocationRevised(BudgetEvent):
    amounts: dict[str, Decimal]
    reason: str
    dispute_id: str | None

    def apply_to(self, budget: Budget) -> None:
        allocation: Allocation = budget.allocation  # type: ignore[assignment]  # revised only once decided
        allocation.amounts = dict(self.amounts)
        allocation.revisions += 1


class InstalmentScheduled(BudgetEvent):
    number: int
    amount: Decimal
    due_on: date
    gated: bool

    def apply_to(self, budget: Budget) -> None:
        budget.instalments.append(Instalment(self.number, self.amount, self.due_on, self.gated))


class InstalmentReleased(BudgetEvent):
    number: int

    def apply_to(self, budget: Budget) -> None:
        instalment = budget.instalments[self.number - 1]
        instalment.status = "released"
        budget.released += instalment.amount
        budget.last_release_version = self.originator_version


class InstalmentCancelled(BudgetEvent):
    number: int
    reason: str

    def apply_to(self, budget: Budget) -> None:
        instalment = budget.instalments[self.number - 1]
        instalment.status = "cancelled"
        instalment.note = self.reason


class SpendRecorded(BudgetEvent):
    spend_id: str
    amount: Decimal
    category: str
    provider: str
    service_date: date
    description: str
    units: Decimal | None
    unit: str | None
    funding_stream: str | None
    request_fingerprint: str

    def apply_to(self, budget: Budget) -> None:
        budget.spends[self.spend_id] = spend_from(self)
        budget.spent += self.amount


class SpendReversed(BudgetEvent):
    spend_id: str
    reason: str
    dispute_id: str | None

    def apply_to(self, budget: Budget) -> None:
        spend = budget.spends[self.spend_id]
        spend.reversed = True
        spend.reversal_reason = self.reason
        budget.spent -= spend.amount


class MonitoringReturnSubmitted(BudgetEvent):
    return_id: str
    period_start: date
    period_end: date
    declared_spent: Decimal
    notes: str

    def apply_to(self, budget: Budget) -> None:
        budget.returns[self.return_id] = MonitoringReturn(
            self.return_id,
            self.period_start,
            self.period_end,
            self.declared_spent,
            self.notes,
            submitted_at_version=self.originator_version,
        )


class MonitoringReturnAccepted(BudgetEvent):
    return_id: str

    def apply_to(self, budget: Budget) -> None:
        budget.returns[self.return_id].status = "accepted"


class MonitoringReturnQueried(BudgetEvent):
    return_id: str
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.returns[self.return_id].status = "queried"
        budget.returns[self.return_id].query_reason = self.reason


class SurplusRecovered(BudgetEvent):
    amount: Decimal
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.recovered += self.amount


class TrialStarted(BudgetEvent):
    trial_id: str
    name: str
    virtual_amount: Decimal
    baseline_cost: Decimal

    def apply_to(self, budget: Budget) -> None:
        budget.trials[self.trial_id] = Trial(
            self.trial_id, self.name, self.virtual_amount, self.baseline_cost, Decimal("0.00")
        )


class TrialSpendRecorded(BudgetEvent):
    trial_id: str
    spend_id: str
    amount: Decimal
    category: str
    provider: str
    service_date: date
    description: str
    units: Decimal | None
    unit: str | None
    request_fingerprint: str

    def apply_to(self, budget: Budget) -> None:
        trial = budget.trials[self.trial_id]
        trial.spends[self.spend_id] = spend_from(self)
        trial.spent += self.amount


class TrialConcluded(BudgetEvent):
    trial_id: str
    outcome: str
    notes: str

    def apply_to(self, budget: Budget) -> None:
        budget.trials[self.trial_id].status = self.outcome
        budget.trials[self.trial_id].notes = self.notes


class DisputeRaised(BudgetEvent):
    dispute_id: str
    subject: str
    subject_ref: str | None
    grounds: str

    def apply_to(self, budget: Budget) -> None:
        budget.disputes[self.dispute_id] = Dispute(
            self.dispute_id, self.subject, self.subject_ref, self.grounds
        )


class DisputeResolved(BudgetEvent):
    dispute_id: str
    outcome: str
    resolution: str

    def apply_to(self, budget: Budget) -> None:
        dispute = budget.disputes[self.dispute_id]
        dispute.status = "resolved"
        dispute.outcome = self.outcome
        dispute.resolution = self.resolution


class BudgetReviewed(BudgetEvent):
    reviewed_on: date
    summary: str
    next_review_due: date

    def apply_to(self, budget: Budget) -> None:
        budget.reviews.append(Review(self.reviewed_on, self.summary, self.next_review_due))


class BudgetSuspended(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = "suspended"


class BudgetResumed(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = "active"


class BudgetClosed(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = "closed"


def spend_from(event: SpendRecorded | TrialSpendRecorded) -> Spend:
    return Spend(
        spend_id=event.spend_id,
        amount=event.amount,
        category=event.category,
        provider=event.provider,
        service_date=event.service_date,
        description=event.description,
        units=event.units,
        unit=event.unit,
        funding_stream=getattr(event, "funding_stream", None),
        fingerprint=event.request_fingerprint,
    )
