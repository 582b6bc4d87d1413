"""The Budget's events: one frozen class per business fact, each knowing how it applies.

Applying an event never checks and never fails: the rules were checked by the
command that recorded it (`ledger.aggregates.budget`). Every event carries the
actor (`actor_id`, `actor_role`), its place in the hash chain (`prev_hash`,
`hash`) and the budget's `figures` after it (`ledger.aggregates.figures`), which
readers copy instead of recomputing; corrections carry a `reason`.

An event that changes an item of the state (a spend, an instalment...) puts a
changed copy in its place and never changes the item itself: copies of a budget
share their items (`ledger.aggregates.state`), so a command refused on one copy
leaves every other copy, the application's cached budget among them, as it was.

Each class is declared a frozen dataclass (the library makes it one anyway), so
a command builds its event with typed keyword arguments that mypy checks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from ledger.aggregates.figures import Figures
from ledger.aggregates.state import (
    Allocation,
    Dispute,
    Instalment,
    MonitoringReturn,
    Review,
    Spend,
    Trial,
)
from ledger.aggregates.vocabulary import (
    BudgetStatus,
    DisputeStatus,
    InstalmentStatus,
    Management,
    ReturnStatus,
    TrialStatus,
)

if TYPE_CHECKING:
    from ledger.aggregates.budget import Budget


@dataclass(frozen=True)
class BudgetEvent(Aggregate.Event):
    actor_id: str
    actor_role: str
    prev_hash: str
    hash: str
    figures: Figures

    def apply(self, aggregate: Any) -> None:
        self.apply_to(aggregate)
        aggregate.head_hash = self.hash

    def apply_to(self, budget: Budget) -> None:
        """Evolve the budget's state; overridden by each event."""


@dataclass(frozen=True)
class BudgetOpened(BudgetEvent, Aggregate.Created):
    reference: str
    family_ref: str
    period_start: date
    period_end: date
    management: str
    cohort: str | None
    broker_org: str | None
    #: the budget scheme pinned at opening, with its whole document so past decisions recompute (v2)
    scheme_id: str | None
    scheme_version: int | None
    scheme: dict[str, Any] | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Opened before schemes existed: read as the default scheme (`None`, left out of the hash)."""
        state.update(scheme_id=None, scheme_version=None, scheme=None)

    def apply_to(self, budget: Budget) -> None:
        budget.scheme_document = self.scheme
        budget.reference = self.reference
        budget.family_ref = self.family_ref
        budget.period_start = self.period_start
        budget.period_end = self.period_end
        budget.management = Management(self.management)
        budget.cohort = self.cohort
        budget.broker_org = self.broker_org


@dataclass(frozen=True)
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
    #: the Resource Panel decision the allocation relied on (v2; None when none was needed)
    panel_decision_id: str | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["panel_decision_id"] = None

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
            panel_decision_id=self.panel_decision_id,
        )
        budget.status = BudgetStatus.ACTIVE


@dataclass(frozen=True)
class AllocationRevised(BudgetEvent):
    amounts: dict[str, Decimal]
    reason: str
    dispute_id: str | None
    #: the Resource Panel decision a rise past the indicative budget relied on (v2; None: none needed)
    panel_decision_id: str | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["panel_decision_id"] = None

    def apply_to(self, budget: Budget) -> None:
        allocation: Allocation = budget.allocation  # type: ignore[assignment]  # revised only once decided
        budget.allocation = replace(
            allocation, amounts=dict(self.amounts), revisions=allocation.revisions + 1
        )


@dataclass(frozen=True)
class InstalmentScheduled(BudgetEvent):
    number: int
    amount: Decimal
    due_on: date
    gated: bool

    def apply_to(self, budget: Budget) -> None:
        budget.instalments.append(Instalment(self.number, self.amount, self.due_on, self.gated))


@dataclass(frozen=True)
class InstalmentReleased(BudgetEvent):
    number: int

    def apply_to(self, budget: Budget) -> None:
        instalment = budget.instalments[self.number - 1]
        budget.instalments[self.number - 1] = replace(instalment, status=InstalmentStatus.RELEASED)
        budget.released += instalment.amount
        budget.last_release_version = self.originator_version


@dataclass(frozen=True)
class InstalmentCancelled(BudgetEvent):
    number: int
    reason: str

    def apply_to(self, budget: Budget) -> None:
        instalment = budget.instalments[self.number - 1]
        budget.instalments[self.number - 1] = replace(
            instalment, status=InstalmentStatus.CANCELLED, note=self.reason
        )


@dataclass(frozen=True)
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
    #: the stream the spend is charged to, as the budget decided it (None: no single stream)
    charged_stream: str | None
    request_fingerprint: str
    #: v2 (providers): the register entry paid, the medical tasks involved, a nights override's reason
    provider_id: str | None
    medical_tasks: list[str] | None
    nights_override_reason: str | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Recorded before the register: free text, no tasks, no override (left out of the hash)."""
        state.update(provider_id=None, medical_tasks=None, nights_override_reason=None)

    def apply_to(self, budget: Budget) -> None:
        budget.spends[self.spend_id] = spend_from(self)
        budget.spent += self.amount


@dataclass(frozen=True)
class SpendReversed(BudgetEvent):
    """Carries what the reversed spend was, so readers net it out without looking it up."""

    spend_id: str
    reason: str
    dispute_id: str | None
    amount: Decimal
    category: str
    charged_stream: str | None
    service_date: date
    units: Decimal | None
    unit: str | None

    def apply_to(self, budget: Budget) -> None:
        spend = budget.spends[self.spend_id]
        budget.spends[self.spend_id] = replace(spend, reversed=True, reversal_reason=self.reason)
        budget.spent -= spend.amount


@dataclass(frozen=True)
class MonitoringReturnSubmitted(BudgetEvent):
    return_id: str
    period_start: date
    period_end: date
    declared_spent: Decimal
    notes: str
    #: the return's lines [{category, amount, units, unit}] (v2; None for returns without lines)
    lines: list[dict[str, Any]] | None
    #: the ends of the scheme's monitoring periods this return accounts for (v2; None before)
    meets: list[date] | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["lines"] = None
        state["meets"] = None

    def apply_to(self, budget: Budget) -> None:
        budget.returns[self.return_id] = MonitoringReturn(
            self.return_id,
            self.period_start,
            self.period_end,
            self.declared_spent,
            self.notes,
            submitted_at_version=self.originator_version,
            lines=list(self.lines or []),
        )


@dataclass(frozen=True)
class MonitoringReturnAccepted(BudgetEvent):
    return_id: str

    def apply_to(self, budget: Budget) -> None:
        returned = budget.returns[self.return_id]
        budget.returns[self.return_id] = replace(returned, status=ReturnStatus.ACCEPTED)


@dataclass(frozen=True)
class MonitoringReturnQueried(BudgetEvent):
    return_id: str
    reason: str

    def apply_to(self, budget: Budget) -> None:
        returned = budget.returns[self.return_id]
        budget.returns[self.return_id] = replace(
            returned, status=ReturnStatus.QUERIED, query_reason=self.reason
        )


@dataclass(frozen=True)
class SurplusRecovered(BudgetEvent):
    amount: Decimal
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.recovered += self.amount


@dataclass(frozen=True)
class TrialStarted(BudgetEvent):
    trial_id: str
    name: str
    virtual_amount: Decimal
    baseline_cost: Decimal

    def apply_to(self, budget: Budget) -> None:
        budget.trials[self.trial_id] = Trial(
            self.trial_id, self.name, self.virtual_amount, self.baseline_cost, Decimal("0.00")
        )


@dataclass(frozen=True)
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
    #: the stream the trial spend would draw on, decided as for a real spend
    charged_stream: str | None
    request_fingerprint: str

    def apply_to(self, budget: Budget) -> None:
        trial = budget.trials[self.trial_id]
        budget.trials[self.trial_id] = replace(
            trial, spends={**trial.spends, self.spend_id: spend_from(self)}, spent=trial.spent + self.amount
        )


@dataclass(frozen=True)
class TrialConcluded(BudgetEvent):
    trial_id: str
    outcome: str
    notes: str

    def apply_to(self, budget: Budget) -> None:
        trial = budget.trials[self.trial_id]
        budget.trials[self.trial_id] = replace(trial, status=TrialStatus(self.outcome), notes=self.notes)


@dataclass(frozen=True)
class DisputeRaised(BudgetEvent):
    dispute_id: str
    subject: str
    subject_ref: str | None
    grounds: str

    def apply_to(self, budget: Budget) -> None:
        budget.disputes[self.dispute_id] = Dispute(
            self.dispute_id, self.subject, self.subject_ref, self.grounds
        )


@dataclass(frozen=True)
class DisputeResolved(BudgetEvent):
    dispute_id: str
    outcome: str
    resolution: str

    def apply_to(self, budget: Budget) -> None:
        dispute = budget.disputes[self.dispute_id]
        budget.disputes[self.dispute_id] = replace(
            dispute, status=DisputeStatus.RESOLVED, outcome=self.outcome, resolution=self.resolution
        )


@dataclass(frozen=True)
class BudgetReviewed(BudgetEvent):
    reviewed_on: date
    summary: str
    next_review_due: date
    #: each outcome of the support plan rated [{outcome_id, rating, note}] (v2; none before)
    outcomes: list[dict[str, Any]]

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["outcomes"] = []

    def apply_to(self, budget: Budget) -> None:
        budget.reviews.append(
            Review(self.reviewed_on, self.summary, self.next_review_due, [dict(o) for o in self.outcomes])
        )


@dataclass(frozen=True)
class BudgetSuspended(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = BudgetStatus.SUSPENDED


@dataclass(frozen=True)
class BudgetResumed(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = BudgetStatus.ACTIVE


@dataclass(frozen=True)
class BudgetClosed(BudgetEvent):
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.status = BudgetStatus.CLOSED


@dataclass(frozen=True)
class FamilyTextErased(BudgetEvent):
    """The family's free text was made unreadable on a lawful request: its keys were destroyed.

    Nothing else changes: amounts, categories and the chain stay as they were, so
    applying it leaves the budget's state (and so every figure) untouched.
    """

    reason: str
    keys_destroyed: int


# --- budget scheme rules (ledger.schemes) ----------------------------------------------------
@dataclass(frozen=True)
class BankAccountConfirmed(BudgetEvent):
    """The family's bank account is confirmed; no account details are stored."""

    confirmed_on: date

    def apply_to(self, budget: Budget) -> None:
        budget.bank_account_confirmed_on = self.confirmed_on


@dataclass(frozen=True)
class SpendAwaitingApproval(BudgetEvent):
    """A spend above the scheme's threshold, held until a caseworker approves it: it does not count yet."""

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
    threshold: Decimal
    #: v2 (providers): as on `SpendRecorded`
    provider_id: str | None
    medical_tasks: list[str] | None
    nights_override_reason: str | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.update(provider_id=None, medical_tasks=None, nights_override_reason=None)

    def apply_to(self, budget: Budget) -> None:
        budget.awaiting_approval[self.spend_id] = spend_from(self)


@dataclass(frozen=True)
class SpendApproved(BudgetEvent):
    """A caseworker approved a held spend; the `SpendRecorded` that follows makes it count."""

    spend_id: str

    def apply_to(self, budget: Budget) -> None:
        budget.awaiting_approval.pop(self.spend_id, None)


@dataclass(frozen=True)
class SpendRejected(BudgetEvent):
    spend_id: str
    reason: str

    def apply_to(self, budget: Budget) -> None:
        budget.awaiting_approval.pop(self.spend_id, None)


def spend_from(event: SpendRecorded | TrialSpendRecorded | SpendAwaitingApproval) -> Spend:
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
        charged_stream=getattr(event, "charged_stream", None),
        request_fingerprint=event.request_fingerprint,
        provider_id=getattr(event, "provider_id", None),
        medical_tasks=list(getattr(event, "medical_tasks", None) or []),
        nights_override_reason=getattr(event, "nights_override_reason", None),
    )
