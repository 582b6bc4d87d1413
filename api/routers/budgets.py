"""Opening a budget and reading it as it stands now (from the event store: a write is seen at once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.budget import BudgetOut, OpenBudgetIn
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor

router = v1_router(prefix="/budgets", tags=["budgets"])
Opener = Annotated[Actor, allowed(Action.OPEN)]
Reader = Annotated[Actor, allowed(Action.READ)]


@router.post(
    "",
    status_code=201,
    responses={
        **problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
        **conflicts(errors.ReferenceTaken, errors.ManagementNotAllowed),
    },
)
def open_budget(
    body: OpenBudgetIn, actor: Opener, service: ServiceDep, response: Response, write: WriteDep
) -> BudgetOut:
    """Open a budget for one family, child and period (caseworker); the reference must be unused."""
    answer = write.run(answers.opened, lambda once: service.open_budget(actor, once=once, **dict(body)))
    response.headers["Location"] = f"/v1/budgets/{answer.id}"
    return answer


@router.get("/{budget_id}", responses=problem_responses(401, 403, 404, 422, 500))
def read_budget(budget_id: BudgetId, actor: Reader, service: ServiceDep) -> BudgetOut:
    """The budget as it stands, with balances (caseworker, auditor, broker and family in scope)."""
    return BudgetOut.of(service.read(actor, budget_id))
