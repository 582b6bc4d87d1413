"""Reviews of the budget, and its status: suspension, resumption, closure."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer
from api.schemas.commands import ReasonIn, ReviewIn
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.plan_state import OutcomeRatingIn

router = v1_router(
    prefix="/budgets/{budget_id}",
    tags=["reviews and status"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Reviewer = Annotated[Actor, allowed(Action.REVIEW)]
Caseworker = Annotated[Actor, allowed(Action.STATUS)]


@router.post(
    "/reviews", responses=conflicts(errors.BudgetClosed, errors.OutcomeNotRated, errors.UnknownOutcome)
)
def record_review(
    budget_id: BudgetId, body: ReviewIn, actor: Reviewer, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Record a review rating every outcome of the support plan, and when the next is due (caseworker)."""
    ratings = [OutcomeRatingIn(o.outcome_id, o.rating, o.note) for o in body.outcomes]
    return write.run(
        answers.done,
        lambda once: service.review(
            actor,
            budget_id,
            body.reviewed_on,
            body.summary,
            body.next_review_due,
            once=once,
            outcomes=ratings,
        ),
    )


@router.post("/suspension", responses=conflicts(errors.InvalidStatusTransition))
def suspend_budget(
    budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Suspend an active budget (caseworker): no money moves until it resumes."""
    return write.run(
        answers.done, lambda once: service.suspend_budget(actor, budget_id, body.reason, once=once)
    )


@router.post("/resumption", responses=conflicts(errors.InvalidStatusTransition))
def resume_budget(
    budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Resume a suspended budget (caseworker)."""
    return write.run(
        answers.done, lambda once: service.resume_budget(actor, budget_id, body.reason, once=once)
    )


@router.post("/closure", responses=conflicts(errors.FundsRemaining, errors.BudgetClosed))
def close_budget(
    budget_id: BudgetId, body: ReasonIn, actor: Caseworker, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Close a budget with nothing available (caseworker): recover any surplus first."""
    return write.run(
        answers.done, lambda once: service.close_budget(actor, budget_id, body.reason, once=once)
    )
