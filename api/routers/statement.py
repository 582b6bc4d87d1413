"""A budget's statement by business date, as JSON or (with `Accept: text/csv`) as CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.routers.analytics import CSV, wants_csv
from api.schemas.statement import StatementOut
from api.schemas.types import Day
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.audit_statement import Statement, statement
from ledger.projections.csvout import rows_csv

router = v1_router(prefix="/budgets/{budget_id}", tags=["audit"])
StatementReader = Annotated[Actor, allowed(Action.STATEMENT)]
FROM = "the first business date (default: the period's start)"
TO = "the last business date (default: the period's end)"
COLUMNS = ["line", "on", "amount", "version", "recorded_at"]


def statement_csv(s: Statement) -> str:
    """Opening balance, one row per movement, closing balance; details flattened into columns."""
    rows: list[dict[str, Any]] = [{"line": "opening_balance", "on": s.date_from, "amount": s.opening_balance}]
    rows += [
        {
            "line": m.kind,
            "on": m.on,
            "amount": m.amount,
            "version": m.version,
            "recorded_at": m.recorded_at,
            **m.detail,
        }
        for m in s.movements
    ]
    rows.append({"line": "closing_balance", "on": s.date_to, "amount": s.closing_balance})
    return rows_csv(rows, COLUMNS)


@router.get(
    "/statement",
    response_model=StatementOut,
    response_model_by_alias=True,
    responses={200: CSV, **problem_responses(401, 403, 404, 422, 500)},
)
def read_statement(
    request: Request,
    budget_id: BudgetId,
    actor: StatementReader,
    service: ServiceDep,
    date_from: Annotated[
        Day | None, Query(alias="from", description="first business date; default the period's start")
    ] = None,
    date_to: Annotated[
        Day | None, Query(alias="to", description="last business date; default the period's end")
    ] = None,
) -> Any:
    """Opening balance, releases, spends, reversals, recoveries and closing balance by business date
    (caseworker, auditor, broker and family for their own)."""
    result = service.reveal(statement(service, actor, budget_id, date_from, date_to))
    if wants_csv(request):
        return Response(statement_csv(result), media_type="text/csv; charset=utf-8")
    return StatementOut.of(result)
