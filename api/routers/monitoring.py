"""Monitoring returns: submitted by the family (or for it), accepted or queried by a caseworker."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.answers import Done, ReturnSubmitted
from api.schemas.commands import ReasonIn, ReturnIn
from ledger.aggregates.actor import Actor

router = APIRouter(
    prefix="/budgets/{budget_id}/monitoring-returns",
    tags=["monitoring"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 500),
)
Submitter = Annotated[Actor, allowed("submit_return")]
Decider = Annotated[Actor, allowed("decide_return")]


@router.post("", status_code=201)
def submit_return(
    budget_id: BudgetId, body: ReturnIn, actor: Submitter, service: ServiceDep
) -> ReturnSubmitted:
    """Submit a monitoring return (family or broker in scope, caseworker)."""
    outcome = service.submit_return(
        actor, budget_id, body.period_start, body.period_end, body.declared_spent, body.notes
    )
    return ReturnSubmitted.of(outcome.budget, return_id=outcome.result)


@router.post("/{return_id}/acceptance")
def accept_return(budget_id: BudgetId, return_id: ItemId, actor: Decider, service: ServiceDep) -> Done:
    """Accept a submitted return (caseworker): it opens the gate of the next gated instalment."""
    return Done.of(service.accept_return(actor, budget_id, return_id).budget)


@router.post("/{return_id}/query")
def query_return(
    budget_id: BudgetId, return_id: ItemId, body: ReasonIn, actor: Decider, service: ServiceDep
) -> Done:
    """Query a submitted return with a reason (caseworker); the family answers with a new return."""
    return Done.of(service.query_return(actor, budget_id, return_id, body.reason).budget)
