"""Reviews of the budget, and its status: suspension, resumption, closure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import BudgetId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import Done
from api.schemas.commands import ReasonIn, ReviewIn
from ledger.aggregates.actor import Actor

router = APIRouter(
    prefix="/budgets/{budget_id}",
    tags=["reviews and status"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Reviewer = Annotated[Actor, allowed("review")]
Caseworker = Annotated[Actor, allowed("status")]


@router.post("/reviews")
def review(budget_id: BudgetId, body: ReviewIn, actor: Reviewer, service: ServiceDep) -> Done:
    """Record a review against the support plan and when the next is due (caseworker)."""
    outcome = service.review(actor, budget_id, body.reviewed_on, body.summary, body.next_review_due)
    return Done.of(outcome.budget)


@router.post("/suspension")
def suspend(budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep) -> Done:
    """Suspend an active budget (caseworker): no money moves until it resumes."""
    return Done.of(service.suspend_budget(actor, budget_id, body.reason).budget)


@router.post("/resumption")
def resume(budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep) -> Done:
    """Resume a suspended budget (caseworker)."""
    return Done.of(service.resume_budget(actor, budget_id, body.reason).budget)


@router.post("/closure")
def close(budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep) -> Done:
    """Close a budget with nothing available (caseworker): recover any surplus first."""
    return Done.of(service.close_budget(actor, budget_id, body.reason).budget)
