"""`GET /v1/analytics/plans`: are plans kept, and are outcomes met, for existing users versus
newcomers? From the plans read model, with the commissioners' small-number suppression."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.readside import ReadSideDep, applied, mark_freshness
from api.routers import v1_router
from api.routers.analytics import CSV, csv_answer, wants_csv
from api.schemas.analytics import wire
from api.schemas.plan_analytics import PlansOut
from api.security import suppress
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.projections.csvout import rows_csv
from ledger.projections.suppression import withhold

router = v1_router(prefix="/analytics", tags=["analytics"])
PlansReader = Annotated[Actor, allowed(Action.ANALYTICS_PLANS)]
CATEGORY_FIGURES = ("planned", "recorded", "declared", "actual", "families")
ROUTE_FIGURES = (
    "budgets", "families", "allocated", "previous_cost", "gained", "lost", "planned", "actual",
    "outcomes", "rated", "met", "partly_met", "not_met", "share_met",
)  # fmt: skip


@router.get(
    "/plans",
    dependencies=[applied("plans")],
    response_model=PlansOut,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def plans_analytics(
    request: Request,
    response: Response,
    actor: PlansReader,
    read_side: ReadSideDep,
    service: ServiceDep,
    cohort: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """Planned and actual spend by cohort and category, and outcomes met, for existing service users
    versus newcomers (commissioner, auditor)."""
    result = suppressed(request, actor, read_side.view("plans").plans(cohort))
    mark_freshness(response, read_side, service, "plans")
    if wants_csv(request):
        rows = [
            {"by": kind, **row}
            for kind in ("by_cohort_category", "by_entry_route")
            for row in wire(result[kind])
        ]
        return csv_answer(rows_csv(rows), response)
    return PlansOut.model_validate(wire(result))


def suppressed(request: Request, actor: Actor, result: dict[str, Any]) -> dict[str, Any]:
    """A commissioner sees no group covering fewer families than the threshold (primary and
    complementary suppression, as `ledger.projections.suppression` does it)."""
    if not suppress.applies(actor):
        return {**result, "suppressed_groups": 0, "suppression_threshold": None}
    threshold = int(request.app.state.settings.suppression_threshold)
    categories = result["by_cohort_category"]
    by_category, hidden = withhold(
        categories, [g["families"] for g in categories], threshold, CATEGORY_FIGURES, lambda g: g["cohort"]
    )
    routes = result["by_entry_route"]
    by_route, hidden_routes = withhold(routes, [g["families"] for g in routes], threshold, ROUTE_FIGURES)
    totals = dict(result["totals"])
    if totals["families"] < threshold:
        totals = {**totals, **dict.fromkeys(ROUTE_FIGURES), "suppressed": True}
        hidden_routes += 1
    return {
        "by_cohort_category": by_category,
        "by_entry_route": by_route,
        "totals": totals,
        "suppressed_groups": hidden + hidden_routes,
        "suppression_threshold": threshold,
    }
