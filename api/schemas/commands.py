"""Request bodies of the budget commands: strict (`extra="forbid"`), bounded, money as strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from api.schemas.types import (
    Category,
    Day,
    DisputeOutcome,
    DisputeSubject,
    Money,
    Name,
    Notes,
    PositiveMoney,
    ProviderId,
    Quantity,
    Reason,
    Ref,
    Stream,
    Task,
    TrialOutcome,
    Unit,
)
from ledger.aggregates.plan_state import OutcomeRating

Key = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Amounts = Annotated[dict[Stream, Money], Field(min_length=1, description="amount per funding stream")]


def by_stream(amounts: dict[Stream, Decimal]) -> dict[str, Decimal]:
    """The amounts as the ledger takes them (plain string keys)."""
    return {str(stream): amount for stream, amount in amounts.items()}


def _strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class RasIn(BaseModel):
    model_config = _strict()

    scheme: Ref = Field(description="a published scheme id, e.g. short-breaks-points")
    version: int | None = Field(default=None, ge=1, le=10_000, strict=True, description="default: the latest")
    answers: dict[Key, Key] = Field(max_length=100, description="question key -> chosen option")


RAS_EXAMPLE = {
    "scheme": "flat-short-breaks",
    "answers": {"assessed_need": "yes", "has_bank_account": "yes"},
}


class AllocationIn(BaseModel):
    model_config = _strict(
        {"amounts": {"social_care": "600.00"}, "ras": RAS_EXAMPLE, "rationale": "RAS flat rate"},
        {"amounts": {"social_care": "600.00"}, "rationale": "flat-rate offer: 600 pounds a year"},
    )

    amounts: Amounts
    ras: RasIn | None = Field(default=None, description="the assessment; without it, rationale says why")
    variance_reason: Reason | None = Field(default=None, description="required if the total differs")
    rationale: Reason


class RevisionIn(BaseModel):
    model_config = _strict(
        {"amounts": {"social_care": "800.00"}, "reason": "dispute D1 upheld", "dispute_id": "D1"}
    )

    amounts: Amounts
    reason: Reason
    dispute_id: Ref | None = None


class InstalmentIn(BaseModel):
    model_config = _strict({"amount": "300.00", "due_on": "2026-10-01", "gated": True})

    amount: PositiveMoney
    due_on: Day
    gated: StrictBool = Field(description="released only after an accepted monitoring return")


class ReasonIn(BaseModel):
    model_config = _strict({"reason": "family moved out of area"})

    reason: Reason


SPEND_EXAMPLE = {
    "amount": "120.00",
    "category": "personal_assistant",
    "provider": "PA Co",
    "service_date": "2026-05-02",
    "description": "Saturday sessions",
    "units": "8",
    "unit": "hours",
}


class TrialSpendIn(BaseModel):
    """A spend against a trial's virtual amount: real money's fields, without a funding stream."""

    model_config = _strict(SPEND_EXAMPLE)

    amount: PositiveMoney
    category: Category
    provider: Name
    service_date: Day
    description: Notes
    units: Quantity | None = Field(default=None, description="with unit, for unit costs")
    unit: Unit | None = None


class SpendIn(TrialSpendIn):
    model_config = _strict(
        {**SPEND_EXAMPLE, "funding_stream": "social_care"},
        {
            **SPEND_EXAMPLE,
            "provider": None,
            "provider_id": "5f0c3c1e-8f7a-5a43-9d9e-0d6b1f3a2c11",
            "medical_tasks": ["tracheostomy_care"],
        },
    )

    provider: Name | None = Field(  # type: ignore[assignment]
        default=None, description="free text; may be left out when provider_id names a register entry"
    )
    funding_stream: Stream | None = Field(default=None, description="must be one the allocation has")
    provider_id: ProviderId | None = Field(
        default=None,
        validate_default=True,
        description="the provider from the register; required where the scheme says so",
    )
    medical_tasks: list[Task] | None = Field(
        default=None, max_length=20, description="medical tasks the care involves, e.g. tracheostomy_care"
    )
    nights_override_reason: Reason | None = Field(
        default=None, description="why this spend may take a child's overnight nights past a scheme threshold"
    )

    @field_validator("provider_id")
    @classmethod
    def _names_a_provider(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A spend names who is paid: free text, a register entry, or both."""
        if value is None and "provider" in info.data and info.data["provider"] is None:
            raise ValueError("a spend names its provider: provider (free text) or provider_id (the register)")
        return value


class ReversalIn(BaseModel):
    model_config = _strict({"reason": "entered twice", "dispute_id": None})

    reason: Reason
    dispute_id: Ref | None = None


class ReturnLineIn(BaseModel):
    """A monitoring return's line: money spent on one category (and, optionally, how many units)."""

    model_config = _strict(
        {"category": "community_activity", "amount": "120.00", "units": "6", "unit": "sessions"}
    )

    category: Category
    amount: Money
    units: Quantity | None = None
    unit: Unit | None = None


class ReturnIn(BaseModel):
    model_config = _strict(
        {
            "period_start": "2026-04-01",
            "period_end": "2026-09-30",
            "declared_spent": "280.00",
            "notes": "PA hours",
        }
    )

    period_start: Day
    period_end: Day
    declared_spent: Money
    notes: Notes
    lines: list[ReturnLineIn] | None = Field(
        default=None, max_length=200, description="how the money was spent; adds up to declared_spent"
    )


class RecoveryIn(BaseModel):
    model_config = _strict({"amount": "40.00", "reason": "unspent at year end"})

    amount: PositiveMoney
    reason: Reason


class TrialIn(BaseModel):
    model_config = _strict(
        {"name": "PA instead of respite unit", "virtual_amount": "900.00", "baseline_cost": "1100.00"}
    )

    name: Name
    virtual_amount: PositiveMoney
    baseline_cost: Money


class ConclusionIn(BaseModel):
    model_config = _strict({"outcome": "adopted", "notes": "cheaper and preferred"})

    outcome: TrialOutcome
    notes: Notes


class DisputeIn(BaseModel):
    model_config = _strict(
        {"subject": "allocation", "subject_ref": None, "grounds": "night support not scored"}
    )

    subject: DisputeSubject
    subject_ref: Ref | None = Field(default=None, description="spend id, return id or instalment number")
    grounds: Reason


class ResolutionIn(BaseModel):
    model_config = _strict({"outcome": "upheld", "resolution": "allocation to be revised"})

    outcome: DisputeOutcome
    resolution: Reason


class OutcomeRatingBody(BaseModel):
    model_config = _strict({"outcome_id": "O1", "rating": "met", "note": "weekly breaks kept"})

    outcome_id: Ref
    rating: OutcomeRating
    note: Notes = ""


class ReviewIn(BaseModel):
    model_config = _strict(
        {"reviewed_on": "2026-10-01", "summary": "outcomes met", "next_review_due": "2027-04-01"},
        {
            "reviewed_on": "2026-10-01",
            "summary": "breaks kept, club not found yet",
            "next_review_due": "2027-04-01",
            "outcomes": [
                {"outcome_id": "O1", "rating": "met", "note": "weekly breaks kept"},
                {"outcome_id": "O2", "rating": "not_met", "note": "no club place yet"},
            ],
        },
    )

    reviewed_on: Day
    summary: Reason
    next_review_due: Day = Field(description="after reviewed_on")
    outcomes: list[OutcomeRatingBody] = Field(
        default_factory=list, max_length=50, description="every outcome of the current support plan, rated"
    )
