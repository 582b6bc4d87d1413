"""The commissioners' view of support plans: `GET /v1/analytics/plans`, and reviews overdue."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CohortCategoryPlan(BaseModel):
    cohort: str | None
    category: str
    planned: str | None
    recorded: str | None
    declared: str | None
    actual: str | None = Field(description="per budget, the greater of recorded and declared; summed")
    families: int | None
    suppressed: bool = False


class EntryRoutePlan(BaseModel):
    """Existing service users, newcomers, or `unknown` (no previous package recorded)."""

    entry_route: str
    budgets: int | None
    families: int | None
    allocated: str | None
    previous_cost: str | None = Field(description="the traditional packages replaced, where recorded")
    gained: int | None = Field(description="budgets allocated more than their previous package")
    lost: int | None = Field(description="budgets allocated less than their previous package")
    planned: str | None
    actual: str | None
    outcomes: int | None = Field(description="outcomes of the current plans")
    rated: int | None
    met: int | None
    partly_met: int | None
    not_met: int | None
    share_met: str | None = Field(description="met / rated (null when none rated)")
    suppressed: bool = False


class PlansOut(BaseModel):
    by_cohort_category: list[CohortCategoryPlan]
    by_entry_route: list[EntryRoutePlan]
    totals: EntryRoutePlan
    suppressed_groups: int = 0
    suppression_threshold: int | None = None


class ReviewOverdue(BaseModel):
    """A budget whose next review (set by its plan or last review) was due before today."""

    budget_id: str
    reference: str
    next_review_due: str
    last_reviewed_on: str | None
    days_overdue: int
