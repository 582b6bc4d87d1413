"""What a command answers: the budget's new `version`, the id of anything created, and the budget.

Each answer's name ends in `Answer`, so in OpenAPI and in code it cannot be
mistaken for the domain event of the same fact (`SpendRecorded` is an event;
`SpendRecordedAnswer` is what the route says back).
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, Field

from api.schemas.budget import BudgetOut


class DoneAnswer(BaseModel):
    version: int = Field(description="the budget's version after the command")
    budget: BudgetOut

    @classmethod
    def of(cls, budget: Any, **created: Any) -> Self:
        return cls(version=budget.version, budget=BudgetOut.of(budget), **created)


class InstalmentScheduledAnswer(DoneAnswer):
    number: int


class SpendRecordedAnswer(DoneAnswer):
    spend_id: str
    awaiting_approval: bool = Field(
        default=False,
        description="true (with status 202): above the scheme's approval threshold, it counts once approved",
    )


class ReturnSubmittedAnswer(DoneAnswer):
    return_id: str


class TrialStartedAnswer(DoneAnswer):
    trial_id: str


class DisputeRaisedAnswer(DoneAnswer):
    dispute_id: str
