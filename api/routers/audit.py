"""The audit trail, read from the event store itself: history, state as it stood, chain verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api import paging
from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.schemas.audit import EventOut, HistoryOut, VerificationOut
from api.schemas.budget import BudgetOut
from api.schemas.types import Instant
from ledger import audit, errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.audit_actors import actor_names

router = v1_router(
    prefix="/budgets/{budget_id}", tags=["audit"], responses=problem_responses(401, 403, 404, 422, 500)
)
HistoryReader = Annotated[Actor, allowed(Action.HISTORY)]
StateReader = Annotated[Actor, allowed(Action.STATE_AS_OF)]
Verifier = Annotated[Actor, allowed(Action.VERIFY)]
HISTORY = "history"  # the cursor kind of a budget's history (`api.paging`)
AsOf = Annotated[Instant | None, Query(description="ISO 8601 time with offset, e.g. 2026-05-01T12:00:00Z")]


@router.get("/history")
def read_history(
    budget_id: BudgetId,
    actor: HistoryReader,
    service: ServiceDep,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many events")] = 100,
    cursor: paging.Cursor = None,
) -> HistoryOut:
    """The budget's events in order, with actor, time, data and chain hashes (auditor, caseworker, family).

    A page at a time, oldest first: `next_cursor` leads to the events after the page.
    """
    after = paging.decode(HISTORY, cursor) or 0
    events = [e for e in audit.history(service, actor, budget_id, as_of) if e.originator_version > after]
    page, more = events[:limit], len(events) > limit
    names = actor_names(service)
    return HistoryOut(
        events=[EventOut.model_validate(audit.describe(e, names)) for e in page],
        next_cursor=paging.encode(HISTORY, page[-1].originator_version) if more else None,
    )


@router.get("/state")
def read_state_as_of(
    budget_id: BudgetId,
    actor: StateReader,
    service: ServiceDep,
    as_of: AsOf = None,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
) -> BudgetOut:
    """The budget as it stood at a time or a version; now if neither is given (auditor, caseworker)."""
    if as_of is not None and version is not None:
        raise errors.InvalidInput("give as_of or version, not both")
    budget = audit.state_as_of(service, actor, budget_id, as_of, version)
    return BudgetOut.of(budget)


@router.get("/verification")
def verify_chain(budget_id: BudgetId, actor: Verifier, service: ServiceDep) -> VerificationOut:
    """Recompute the hash chain: ok, or the first version that fails (auditor)."""
    return VerificationOut.model_validate(vars(audit.verify(service, actor, budget_id)))
