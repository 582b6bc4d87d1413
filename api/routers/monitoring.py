"""Monitoring returns: submitted by the family (or for it), accepted or queried by a caseworker."""

from __future__ import annotations

from typing import Annotated

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.paging import Cursor, Limit, newest_first
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer, ReturnSubmittedAnswer
from api.schemas.budget import ReturnOut, ReturnPage
from api.schemas.commands import ReasonIn, ReturnIn
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.state import ReturnLine

router = v1_router(
    prefix="/budgets/{budget_id}/monitoring-returns",
    tags=["monitoring"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Submitter = Annotated[Actor, allowed(Action.SUBMIT_RETURN)]
Decider = Annotated[Actor, allowed(Action.TAKE_RETURN)]
Reader = Annotated[Actor, allowed(Action.READ)]


@router.post("", status_code=201, responses=conflicts(errors.BudgetClosed))
def submit_return(
    budget_id: BudgetId, body: ReturnIn, actor: Submitter, service: ServiceDep, write: WriteDep
) -> ReturnSubmittedAnswer:
    """Submit a monitoring return (family or broker in scope, caseworker)."""
    lines = [ReturnLine(**dict(line)) for line in body.lines] if body.lines is not None else None
    return write.run(
        answers.return_submitted,
        lambda once: service.submit_return(
            actor,
            budget_id,
            body.period_start,
            body.period_end,
            body.declared_spent,
            body.notes,
            once=once,
            lines=lines,
        ),
    )


@router.post("/{return_id}/acceptance", responses=conflicts(errors.ReturnAlreadyDecided))
def accept_return(
    budget_id: BudgetId, return_id: ItemId, actor: Decider, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Accept a submitted return (caseworker, or the scheme's payments administrator)."""
    return write.run(answers.done, lambda once: service.accept_return(actor, budget_id, return_id, once=once))


@router.post("/{return_id}/query", responses=conflicts(errors.ReturnAlreadyDecided))
def query_return(
    budget_id: BudgetId,
    return_id: ItemId,
    body: ReasonIn,
    actor: Decider,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Query a submitted return with a reason (caseworker, or the scheme's payments administrator)."""
    return write.run(
        answers.done, lambda once: service.query_return(actor, budget_id, return_id, body.reason, once=once)
    )


@router.get("")
def list_returns(
    budget_id: BudgetId, actor: Reader, service: ServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> ReturnPage:
    """The budget's monitoring returns, newest first, a page at a time (whoever may read the budget)."""
    budget = service.read(actor, budget_id)
    page, next_cursor = newest_first("monitoring-returns", list(budget.returns.values()), limit, cursor)
    return ReturnPage(items=[ReturnOut.model_validate(vars(r)) for r in page], next_cursor=next_cursor)
