"""What a command answers: what it did and the budget's figures, never the budget's whole history.

A command answers the budget's id, its new `version`, `status` and `balances`, and
the id of anything it created, so an answer stays the same size however many
spends a budget holds. `budget` is null unless the request asked for it with
`Prefer: return=representation` (then it is the budget as `GET /v1/budgets/{id}`
shows it, its newest spends only).

Each answer's name ends in `Answer`, so in OpenAPI and in code it cannot be
mistaken for the domain event of the same fact (`SpendRecorded` is an event;
`SpendRecordedAnswer` is what the route says back). The module-level functions
are the routes' renderers, `(budget, command result, whole budget?) -> answer`
(`api.writes.Render`).
"""

from __future__ import annotations

from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.budget import Balances, BudgetOut, balances_of
from api.schemas.types import Status


class DoneAnswer(BaseModel):
    budget_id: UUID
    version: int = Field(description="the budget's version after the command")
    status: Status
    balances: Balances
    budget: BudgetOut | None = Field(
        default=None, description="the whole budget, only when asked with `Prefer: return=representation`"
    )

    @classmethod
    def of(cls, budget: Any, full: bool = False, **created: Any) -> Self:
        return cls(
            budget_id=budget.id,
            version=budget.version,
            status=budget.status,
            balances=balances_of(budget),
            budget=BudgetOut.of(budget) if full else None,
            **created,
        )


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


# --- the renderers: (budget, the command's result, whole budget asked for) -> answer ---------------
def done(budget: Any, _result: Any, full: bool) -> DoneAnswer:
    return DoneAnswer.of(budget, full)


def instalment_scheduled(budget: Any, number: int, full: bool) -> InstalmentScheduledAnswer:
    return InstalmentScheduledAnswer.of(budget, full, number=number)


def spend_recorded(budget: Any, spend: Any, full: bool) -> SpendRecordedAnswer:
    held = spend.spend_id in budget.awaiting_approval
    return SpendRecordedAnswer.of(budget, full, spend_id=spend.spend_id, awaiting_approval=held)


def return_submitted(budget: Any, return_id: str, full: bool) -> ReturnSubmittedAnswer:
    return ReturnSubmittedAnswer.of(budget, full, return_id=return_id)


def trial_started(budget: Any, trial_id: str, full: bool) -> TrialStartedAnswer:
    return TrialStartedAnswer.of(budget, full, trial_id=trial_id)


def dispute_raised(budget: Any, dispute_id: str, full: bool) -> DisputeRaisedAnswer:
    return DisputeRaisedAnswer.of(budget, full, dispute_id=dispute_id)


def opened(budget: Any, _budget_id: UUID, _full: bool) -> BudgetOut:
    """Opening answers the new budget itself (DESIGN: 201 with the budget); it holds no spends yet."""
    return BudgetOut.of(budget)
