"""Commitments on the wire (issue 10): the order in, a commitment out, and what a command answers."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.answers import DoneAnswer
from api.schemas.types import (
    Category,
    Day,
    MoneyOut,
    Notes,
    PositiveMoney,
    ProviderId,
    Quantity,
    Reason,
    Unit,
)


def _strict(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})


class CommitmentIn(BaseModel):
    """An order agreed with a provider from the register: unit price times quantity, held from
    available funds until paid or cancelled."""

    model_config = _strict(
        {
            "provider_id": "5f0c3c1e-8f7a-5a43-9d9e-0d6b1f3a2c11",
            "category": "personal_assistant",
            "description": "weekly PA sessions, April to June",
            "unit_price": "15.50",
            "quantity": "20",
            "unit": "hours",
        }
    )

    provider_id: ProviderId = Field(description="the provider from the register (never a name)")
    category: Category
    description: Notes = Field(min_length=1)
    unit_price: PositiveMoney
    quantity: Quantity
    unit: Unit | None = None


class PaymentIn(BaseModel):
    """A payment of part or all of a commitment: a real spend of the provider and category ordered."""

    model_config = _strict(
        {"amount": "155.00", "service_date": "2026-05-04", "description": "May's sessions", "units": "10"}
    )

    amount: PositiveMoney = Field(description="at most what is outstanding on the commitment")
    service_date: Day
    description: Notes
    units: Quantity | None = Field(default=None, description="in the commitment's unit")
    nights_override_reason: Reason | None = None


class CancellationIn(BaseModel):
    model_config = _strict({"reason": "the PA has moved away"})

    reason: Reason


class CommitmentOut(BaseModel):
    commitment_id: str
    provider_id: str
    category: str
    description: str
    unit_price: MoneyOut
    quantity: MoneyOut
    unit: str | None
    amount: MoneyOut = Field(description="unit price times quantity, to the penny")
    paid: MoneyOut
    outstanding: MoneyOut = Field(description="what it still holds of the budget's funds")
    status: str = Field(description="open, paid or cancelled")
    cancel_reason: str | None

    @classmethod
    def of(cls, held: Any) -> Self:
        fields = {k: getattr(held, k) for k in cls.model_fields if k != "outstanding"}
        return cls(**fields, outstanding=held.outstanding)


class CommitmentList(BaseModel):
    items: list[CommitmentOut]


class CommitmentAnswer(DoneAnswer):
    commitment: CommitmentOut


class PaymentAnswer(DoneAnswer):
    spend_id: str
    commitment: CommitmentOut


def commitment_made(budget: Any, held: Any, full: bool) -> CommitmentAnswer:
    return CommitmentAnswer.of(
        budget, full, commitment=CommitmentOut.of(budget.commitments[held.commitment_id])
    )


def payment_made(commitment_id: str) -> Any:
    """The renderer of a payment against `commitment_id`."""

    def render(budget: Any, spend: Any, full: bool) -> PaymentAnswer:
        held = CommitmentOut.of(budget.commitments[commitment_id])
        return PaymentAnswer.of(budget, full, spend_id=spend.spend_id, commitment=held)

    return render


def commitment_cancelled(budget: Any, held: Any, full: bool) -> CommitmentAnswer:
    return commitment_made(budget, held, full)
