"""Listing budgets, from the balances read model, a page at a time; or finding one by the council's reference.

Scope is applied here, as a filter, never as a refusal of the whole list: a broker
lists its organisation's budgets, a family its own (a family asking for another
family's reference is refused). `?reference=` finds at most one budget: the
reference claim gives its id and the event store its figures, so the answer has
the same shape as a page and is never stale.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel, Field

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.readside import ReadSideDep, applied, mark_freshness
from api.routers import v1_router
from api.schemas.budget import Balances
from api.schemas.types import Ref, Status
from ledger.access import Action, in_scope, is_scoped
from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import Role
from ledger.errors import Forbidden
from ledger.projections.balances import decode_cursor
from ledger.use_cases import LedgerService

router = v1_router(prefix="/budgets", tags=["budgets"])
Lister = Annotated[Actor, allowed(Action.LIST)]
BALANCES = ("allocated", "scheduled", "released", "spent", "recovered", "available", "unreleased")


class BudgetSummary(BaseModel):
    id: str
    reference: str
    family_ref: str
    period_start: str
    period_end: str
    management: str
    cohort: str | None
    broker_org: str | None
    status: str
    version: int
    balances: Balances


class BudgetPage(BaseModel):
    items: list[BudgetSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Filters(BaseModel):
    """What the caller asked for, narrowed to what the caller may see."""

    cohort: str | None
    status: str | None
    broker_org: str | None
    family_ref: str | None

    def match(self, summary: dict[str, Any]) -> bool:
        return all(value is None or summary[key] == value for key, value in vars(self).items())


def scoped_family(actor: Actor, family_ref: str | None) -> str | None:
    """A family key lists its own budgets only, whatever it asks for."""
    if actor.role != Role.FAMILY:
        return family_ref
    if family_ref is not None and family_ref != actor.family:
        raise Forbidden("A family key may list only its own family's budgets.")
    return actor.family


def summarise(budget: Any) -> dict[str, Any]:
    """A budget from the event store in the list's shape."""
    return {
        "id": str(budget.id),
        "reference": budget.reference,
        "family_ref": budget.family_ref,
        "period_start": budget.period_start.isoformat(),
        "period_end": budget.period_end.isoformat(),
        "management": str(budget.management),
        "cohort": budget.cohort,
        "broker_org": budget.broker_org,
        "status": str(budget.status),
        "version": budget.version,
        "balances": {
            **{name: getattr(budget, name) for name in BALANCES},
            "committed": budget.figures().committed,  # None where the scheme takes no commitments
        },
    }


def by_reference(
    service: LedgerService, actor: Actor, reference: str, filters: Filters
) -> list[dict[str, Any]]:
    budget_id = service.find_by_reference(reference)
    if budget_id is None:
        return []
    budget = service.load(budget_id)
    found = summarise(budget)
    return [found] if in_scope(actor, budget) and filters.match(found) else []


@router.get("", responses=problem_responses(401, 403, 422, 500, 503), dependencies=[applied("balances")])
def list_budgets(
    actor: Lister,
    read_side: ReadSideDep,
    service: ServiceDep,
    response: Response,
    cohort: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
    reference: Annotated[Ref | None, Query(description="the council's reference, e.g. BH-2026-0017")] = None,
    family_ref: Annotated[Ref | None, Query(description="the family's reference in the case system")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> BudgetPage:
    """Budgets in the order they were opened (caseworker, auditor; a broker or family sees its own)."""
    if actor.role in (Role.BROKER, Role.FAMILY) and not (actor.org or actor.family):
        return BudgetPage(items=[], next_cursor=None)  # a key bound to nothing sees nothing
    broker_org = actor.org if actor.role == Role.BROKER else None
    filters = Filters(
        cohort=cohort, status=status, broker_org=broker_org, family_ref=scoped_family(actor, family_ref)
    )
    if not is_scoped(actor):  # the position counts every organisation's events: not a broker's business
        mark_freshness(response, read_side, service, "balances")
    if reference is not None:
        after = decode_cursor(cursor)  # refuses a cursor this server never gave out
        items = by_reference(service, actor, reference, filters) if not after else []
        return BudgetPage(items=[BudgetSummary.model_validate(i) for i in items], next_cursor=None)
    page, next_cursor = read_side.view("balances").list_budgets(**vars(filters), limit=limit, cursor=cursor)
    return BudgetPage(items=[BudgetSummary.model_validate(i) for i in page], next_cursor=next_cursor)
