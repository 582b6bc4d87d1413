"""One error hierarchy, named after the rules it guards.

Every error the ledger raises on purpose derives from `LedgerError`. The API maps
the four families to status codes in one place: `NotFound` 404, `InvalidInput`
422, `RuleBroken` 409, `Forbidden` 403. A `RuleBroken` subclass carries a `rule`
slug that becomes the problem `type`, so a client can tell an overspend from a
gated instalment without parsing prose.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Root of every deliberate ledger error."""

    rule = "ledger-error"
    title = "Ledger error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__doc__ or self.title)
        self.detail = detail or (self.__doc__ or self.title).strip()


# --- 404 -----------------------------------------------------------------
class NotFound(LedgerError):
    """The thing asked for does not exist."""

    rule = "not-found"
    title = "Not found"


class BudgetNotFound(NotFound):
    """No budget has that id."""


class FamilyNotFound(NotFound):
    """No budget has that family reference."""


class ItemNotFound(NotFound):
    """No instalment, spend, return, trial or dispute of that budget has that id."""


class SchemeNotFound(NotFound):
    """No published RAS scheme has that id and version."""


# --- 422 -----------------------------------------------------------------
class InvalidInput(LedgerError):
    """The request is not valid, whatever the state of the budget."""

    rule = "invalid-input"
    title = "Invalid input"


class InvalidAmount(InvalidInput):
    """Amounts are exact pounds and pence (at most two decimals), within range."""

    rule = "invalid-amount"


class InvalidPeriod(InvalidInput):
    """A period must end after it starts."""

    rule = "invalid-period"


class InvalidAnswers(InvalidInput):
    """RAS answers must name the scheme's questions, each with one of its options."""

    rule = "invalid-ras-answers"


class InvalidChoice(InvalidInput):
    """A category, funding stream, management option or outcome must be one of the listed words."""

    rule = "invalid-choice"


# --- 422, security (issue 14) ---------------------------------------------
class UnsafeText(InvalidInput):
    """Text the ledger keeps holds no control characters or bidirectional overrides."""

    rule = "unsafe-text"


# --- 403 -----------------------------------------------------------------
class Forbidden(LedgerError):
    """The caller's role or scope does not allow this."""

    rule = "forbidden"
    title = "Forbidden"


# --- 409 -----------------------------------------------------------------
class RuleBroken(LedgerError):
    """A business rule of the budget refuses the command in its current state."""

    rule = "rule-broken"
    title = "Business rule broken"


class ReferenceTaken(RuleBroken):
    """A budget reference is unique: another budget already has it."""

    rule = "reference-taken"


class AllocationAlreadyDecided(RuleBroken):
    """An allocation is decided once; later changes are revisions."""

    rule = "allocation-already-decided"


class AllocationNotDecided(RuleBroken):
    """Revisions, instalments and spends need a decided allocation."""

    rule = "allocation-not-decided"


class VarianceReasonRequired(RuleBroken):
    """An allocation that differs from the RAS indicative amount must say why."""

    rule = "variance-reason-required"


class RevisionBelowReleased(RuleBroken):
    """A revised allocation may not fall below the money already released."""

    rule = "revision-below-released"


class ScheduleExceedsAllocation(RuleBroken):
    """Scheduled instalments may not add up to more than the allocation."""

    rule = "schedule-exceeds-allocation"


class InstalmentNotPending(RuleBroken):
    """Only a scheduled instalment that is neither released nor cancelled can change."""

    rule = "instalment-not-pending"


class InstalmentGated(RuleBroken):
    """A gated instalment waits for a return submitted since the last release and accepted."""

    rule = "instalment-gated"


class BudgetNotActive(RuleBroken):
    """Money moves only while the budget is active (not open, suspended or closed)."""

    rule = "budget-not-active"


class BudgetClosed(RuleBroken):
    """A closed budget records nothing more."""

    rule = "budget-closed"


class InsufficientFunds(RuleBroken):
    """A spend or recovery may not exceed the available (released, unspent) funds."""

    rule = "insufficient-funds"


class ServiceDateOutsidePeriod(RuleBroken):
    """A spend's service date must fall within the budget's period."""

    rule = "service-date-outside-period"


class StreamNotAllocated(RuleBroken):
    """A spend charged to a funding stream needs an allocation from that stream."""

    rule = "stream-not-allocated"


class SpendAlreadyReversed(RuleBroken):
    """A spend is reversed at most once."""

    rule = "spend-already-reversed"


class IdempotencyKeyReused(RuleBroken):
    """An idempotency key, once used, only ever repeats the same request."""

    rule = "idempotency-key-reused"


class ReturnAlreadyDecided(RuleBroken):
    """A monitoring return is accepted or queried once."""

    rule = "return-already-decided"


class TrialNotOpen(RuleBroken):
    """Trial spends and conclusions need a trial that is still open."""

    rule = "trial-not-open"


class TrialBudgetExceeded(RuleBroken):
    """Trial spends stay within the trial's virtual amount."""

    rule = "trial-budget-exceeded"


class DisputeNotOpen(RuleBroken):
    """A dispute is resolved once."""

    rule = "dispute-not-open"


class InvalidStatusTransition(RuleBroken):
    """Only an active budget can be suspended, and only a suspended one resumed."""

    rule = "invalid-status-transition"


class FundsRemaining(RuleBroken):
    """A budget closes only with nothing available: recover the surplus first."""

    rule = "funds-remaining"


class ConcurrentUpdate(RuleBroken):
    """Others kept changing the budget while this command retried; try again."""

    rule = "concurrent-update"


# --- budget schemes (ledger.schemes): the council's rules as data --------------------------
class BudgetSchemeNotFound(NotFound):
    """No published budget scheme has that id (and version)."""


class InvalidScheme(InvalidInput):
    """A budget scheme document names only the known rules, each with a value of its kind."""

    rule = "invalid-scheme"


class ReturnLinesMismatch(InvalidInput):
    """A monitoring return's lines add up to its declared_spent."""

    rule = "return-lines-mismatch"


class SchemeVersionPublished(RuleBroken):
    """A published scheme version never changes: publish the changed rules as a new version."""

    rule = "scheme-version-published"


class ManagementNotAllowed(RuleBroken):
    """A budget is managed only in a way its scheme allows."""

    rule = "management-not-allowed"


class AllocationAboveSchemeMaximum(RuleBroken):
    """A decided or revised allocation stays within the scheme's maximum."""

    rule = "allocation-above-scheme-maximum"


class InstalmentsSetByScheme(RuleBroken):
    """Where the scheme sets the instalments, none is scheduled by hand."""

    rule = "instalments-set-by-scheme"


class BankAccountNotConfirmed(RuleBroken):
    """Where the scheme says so, a direct payment is released only into a confirmed bank account."""

    rule = "bank-account-not-confirmed"


class CategoryNotAllowed(RuleBroken):
    """A spend's category is not one the scheme rules out."""

    rule = "category-not-allowed"


class CategoryCapExceeded(RuleBroken):
    """Spends in a capped category stay within the scheme's cap for the month or period."""

    rule = "category-cap-exceeded"


class ApprovalRequiredAboveThreshold(RuleBroken):
    """A spend above the scheme's threshold counts only once a caseworker approves it."""

    rule = "approval-required-above-threshold"


class SpendNotAwaitingApproval(RuleBroken):
    """Only a spend that waits for approval is approved or rejected, once."""

    rule = "spend-not-awaiting-approval"


# --- the decision pathway: indicative budget, support plan, panel, reviews (issue 9) ----------
class IndicativeBudgetRequired(RuleBroken):
    """The budget's scheme wants the indicative budget recorded first; a plan needs one to keep within."""

    rule = "indicative-budget-required"


class IndicativeNotSchemeRas(RuleBroken):
    """The indicative budget is worked out with the RAS (scheme and version) the budget scheme names."""

    rule = "indicative-not-scheme-ras"


class IndicativeAfterAllocation(RuleBroken):
    """The indicative budget comes before the allocation; once decided, revise the allocation instead."""

    rule = "indicative-after-allocation"


class SupportPlanRequired(RuleBroken):
    """The budget's scheme wants a support plan agreed before the allocation."""

    rule = "support-plan-required"


class SupportPlanAlreadyAgreed(RuleBroken):
    """A budget has one support plan; change it by revision, which keeps every earlier version."""

    rule = "support-plan-already-agreed"


class SupportPlanNotAgreed(RuleBroken):
    """Only an agreed support plan can be revised."""

    rule = "support-plan-not-agreed"


class PlannedAboveIndicative(RuleBroken):
    """Before the allocation, the support plan's planned total stays within the indicative amount."""

    rule = "planned-above-indicative"


class PlannedAboveAllocation(RuleBroken):
    """Once the allocation is decided, the support plan's planned total stays within it."""

    rule = "planned-above-allocation"


class PanelDecisionRequired(RuleBroken):
    """An allocation above the indicative amount by more than the scheme's panel threshold needs a
    recorded Resource Panel decision for at least that amount."""

    rule = "panel-decision-required"


class OutcomeNotRated(RuleBroken):
    """A review rates every outcome of the current support plan."""

    rule = "outcome-not-rated"


class UnknownOutcome(RuleBroken):
    """A review rates only outcomes of the current support plan."""

    rule = "unknown-outcome"


# --- providers and their approvals (ledger.aggregates.provider) --------------------------
class ProviderNotFound(NotFound):
    """No provider in the register has that id."""


class InvalidProviderReference(InvalidInput):
    """A provider is registered by a reference (capitals, digits and hyphens, with a digit), never a name."""

    rule = "invalid-provider-reference"


class InvalidApproval(InvalidInput):
    """An approval runs from valid_from to valid_to; a medical task training names its task."""

    rule = "invalid-approval"


class ProviderReferenceTaken(RuleBroken):
    """A provider reference is registered once."""

    rule = "provider-reference-taken"


class ApprovalAlreadyRevoked(RuleBroken):
    """An approval is revoked at most once."""

    rule = "approval-already-revoked"


class ProviderNotRegistered(RuleBroken):
    """Where the scheme requires it, a spend names a provider from the register (`provider_id`)."""

    rule = "provider-not-registered"


class ProviderNotApproved(RuleBroken):
    """A spend's provider holds, on the service date, every approval the scheme requires for it."""

    rule = "provider-not-approved"


class InHouseProviderExcluded(RuleBroken):
    """The scheme excludes the council's in-house providers from this category."""

    rule = "in-house-provider-excluded"


class NightsThresholdOverrideRequired(RuleBroken):
    """A spend taking a child's nights past a scheme threshold needs an override and a reason."""

    rule = "nights-threshold-override-required"


# --- commitments (issue 10): agreed orders with providers held against a budget ---
class CommitmentsNotEnabled(RuleBroken):
    """The budget's scheme takes no commitments (off unless the scheme says so)."""

    rule = "commitments-not-enabled"


class CommitmentNotOpen(RuleBroken):
    """A commitment is paid or cancelled only while it is open (not yet fully paid nor cancelled)."""

    rule = "commitment-not-open"


class PaymentAboveCommitment(RuleBroken):
    """A payment against a commitment may not exceed what is still outstanding on it."""

    rule = "payment-above-commitment"


class CommitmentsOpen(RuleBroken):
    """A budget with open commitments is not closed: pay or cancel them first."""

    rule = "commitments-open"
