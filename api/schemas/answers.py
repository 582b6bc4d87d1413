"""What a command answers: the budget's new `version`, the id of anything created, and the budget."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, Field

from api.schemas.budget import BudgetOut


class Done(BaseModel):
    version: int = Field(description="the budget's version after the command")
    budget: BudgetOut

    @classmethod
    def of(cls, budget: Any, **created: Any) -> Self:
        return cls(version=budget.version, budget=BudgetOut.of(budget), **created)


class InstalmentScheduled(Done):
    number: int


class SpendRecorded(Done):
    spend_id: str


class ReturnSubmitted(Done):
    return_id: str


class TrialStarted(Done):
    trial_id: str


class DisputeRaised(Done):
    dispute_id: str
