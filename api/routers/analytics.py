"""Analytics for commissioners from the read models: spending patterns, portfolio, monitoring.

Each answers JSON, or CSV when asked with `Accept: text/csv`, and says how
fresh its read model is (`X-Projection-Position`, `X-Projection-Lag`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.readside import ReadSideDep, applied, mark_freshness
from api.routers import v1_router
from api.schemas.analytics import MonitoringOut, PortfolioOut, ProviderCostsOut, SpendingOut, SurplusOut, wire
from api.schemas.types import Day
from api.security import suppress
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.errors import InvalidInput
from ledger.projections.csvout import rows_csv, spending_csv
from ledger.projections.suppression import withhold

router = v1_router(prefix="/analytics", tags=["analytics"])
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "as CSV"}
SpendingReader = Annotated[Actor, allowed(Action.ANALYTICS_SPENDING)]
PortfolioReader = Annotated[Actor, allowed(Action.ANALYTICS_PORTFOLIO)]
MonitoringReader = Annotated[Actor, allowed(Action.ANALYTICS_MONITORING)]
SurplusReader = Annotated[Actor, allowed(Action.SURPLUS)]
ProviderCostsReader = Annotated[Actor, allowed(Action.ANALYTICS_PROVIDERS)]


def wants_csv(request: Request) -> bool:
    return "text/csv" in request.headers.get("accept", "")


def csv_answer(text: str, response: Response) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8", headers=dict(response.headers))


def parse_group_by(text: str) -> list[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not keys:
        raise InvalidInput(
            "group_by names at least one of category, month, cohort, management, stream, provider"
        )
    return keys


@router.get(
    "/spending",
    dependencies=[applied("spending")],
    response_model=SpendingOut,
    response_model_exclude_unset=True,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def spending_analytics(
    request: Request,
    response: Response,
    actor: SpendingReader,
    read_side: ReadSideDep,
    service: ServiceDep,
    group_by: Annotated[str, Query(max_length=200, examples=["month,category"])] = "category",
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    cohort: Annotated[str | None, Query(max_length=200)] = None,
    include_trials: bool = False,
    basis: Annotated[
        Literal["recorded", "declared", "all"],
        Query(description="recorded spends (default), lines declared on monitoring returns, or all"),
    ] = "recorded",
) -> Any:
    """Where the money goes: amounts, units, shares and unit costs by chosen keys (commissioner, auditor)."""
    keys = parse_group_by(group_by)
    result = read_side.view("spending").spending(keys, date_from, date_to, cohort, include_trials, basis)
    result = _spending_suppressed(
        request, actor, result, keys, read_side, (date_from, date_to, cohort, include_trials, basis)
    )
    mark_freshness(response, read_side, service, "spending")
    if wants_csv(request):
        return csv_answer(spending_csv(result, keys), response)
    return SpendingOut.model_validate({"group_by": keys, **wire(result)})


@router.get(
    "/portfolio",
    dependencies=[applied("portfolio")],
    response_model=PortfolioOut,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def portfolio_analytics(
    request: Request,
    response: Response,
    actor: PortfolioReader,
    read_side: ReadSideDep,
    service: ServiceDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="financial year from 1 April")] = None,
) -> Any:
    """Totals allocated, released, spent and available by stream, cohort and management, against envelopes."""
    result = read_side.view("portfolio").portfolio(year)
    result = _portfolio_suppressed(request, actor, result, read_side, year)
    mark_freshness(response, read_side, service, "portfolio")
    if wants_csv(request):
        rows = [
            {"by": kind, **row}
            for kind in ("by_stream", "by_cohort", "by_management", "envelopes")
            for row in result[kind]
        ]
        return csv_answer(rows_csv(rows), response)
    return PortfolioOut.model_validate(wire(result))


@router.get(
    "/monitoring",
    dependencies=[applied("monitoring")],
    response_model=MonitoringOut,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def monitoring_analytics(
    request: Request,
    response: Response,
    actor: MonitoringReader,
    read_side: ReadSideDep,
    service: ServiceDep,
    today: Annotated[Day | None, Query(description="the day overdue is counted to; default today")] = None,
) -> Any:
    """Returns awaiting a decision, gated instalments waiting on a return, overdue ones, discrepancies,
    and budgets approaching or past an overnight nights threshold."""
    day = today or date.today()
    result = read_side.view("monitoring").monitoring(day)
    result["reviews_overdue"] = read_side.view("plans").reviews_overdue(day)  # the plans read model (issue 9)
    mark_freshness(response, read_side, service, "monitoring")
    if wants_csv(request):
        rows = [
            {"list": kind, **row}
            for kind in (
                "waiting",
                "gated_waiting",
                "overdue",
                "discrepancies",
                "reviews_overdue",
                "nights_warnings",
            )
            for row in result[kind]
        ]
        return csv_answer(rows_csv(rows), response)
    return MonitoringOut.model_validate({"today": day.isoformat(), **wire(result)})


# --- surplus (issue 8): budgets holding more than their scheme's weeks of support ---
@router.get(
    "/surplus",
    dependencies=[applied("surplus")],
    response_model=SurplusOut,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def surplus_analytics(
    request: Request, response: Response, actor: SurplusReader, read_side: ReadSideDep, service: ServiceDep
) -> Any:
    """Budgets holding more available money than their scheme's weeks of support, and what is reclaimable.

    Caseworkers and auditors see each budget; commissioners see the totals only,
    withheld when they cover fewer families than the suppression threshold.
    """
    result = read_side.view("surplus").surplus()
    threshold = _threshold(request, actor)
    mark_freshness(response, read_side, service, "surplus")
    if threshold is not None:
        totals = result["totals"]
        withheld = 0 < totals["families"] < threshold
        if withheld:
            totals = dict.fromkeys(totals)
        result = {"budgets": None, "totals": {**totals, "suppressed": withheld}}
    result = {**result, "suppression_threshold": threshold}
    if wants_csv(request):
        rows = result["budgets"] if result["budgets"] is not None else [result["totals"]]
        return csv_answer(rows_csv(wire(rows)), response)
    return SurplusOut.model_validate(wire(result))


# --- security (issue 14): small-number suppression for commissioners ---
def _threshold(request: Request, actor: Actor) -> int | None:
    return int(request.app.state.settings.suppression_threshold) if suppress.applies(actor) else None


def _spending_suppressed(
    request: Request, actor: Actor, result: dict[str, Any], keys: list[str], read_side: Any, filters: Any
) -> dict[str, Any]:
    threshold = _threshold(request, actor)
    if threshold is None:
        groups = [{**g, "suppressed": False} for g in result["groups"]]
        return {**result, "groups": groups, "suppressed_groups": 0, "suppression_threshold": None}
    return {
        **_spending_withheld(result, keys, read_side, threshold, filters),
        "suppression_threshold": threshold,
    }


def _spending_withheld(
    result: dict[str, Any], keys: list[str], read_side: Any, threshold: int, filters: Any
) -> dict[str, Any]:
    """`suppress.spending`'s rule on the families the store counted from the rollup (issue 15): the
    read model counts them per group, rather than sending every (group, budget) pair to be counted."""
    behind, everyone = read_side.view("spending").families_by_group(keys, *filters)
    whole_too_small = everyone < threshold
    counts = [0 if whole_too_small else behind.get(tuple(g[k] for k in keys), 0) for g in result["groups"]]
    groups, hidden = withhold(
        result["groups"], counts, threshold, suppress.SPENDING_FIGURES,
        lambda g: tuple(g[k] for k in keys[:-1]), emptied=("units", "unit_costs"),
    )  # fmt: skip
    total = None if whole_too_small and result["groups"] else result["total"]
    return {**result, "groups": groups, "total": total, "suppressed_groups": hidden}


def _portfolio_suppressed(
    request: Request, actor: Actor, result: dict[str, Any], read_side: Any, year: int | None
) -> dict[str, Any]:
    threshold = _threshold(request, actor)
    if threshold is None:
        return {**result, "suppressed_groups": 0, "suppression_threshold": None}
    return {**suppress.portfolio(result, read_side, threshold, year), "suppression_threshold": threshold}


# --- providers (issue 10) ---
@router.get(
    "/providers",
    dependencies=[applied("providers")],
    response_model=ProviderCostsOut,
    responses={200: CSV, **problem_responses(401, 403, 422, 500, 503)},
)
def provider_analytics(
    request: Request,
    response: Response,
    actor: ProviderCostsReader,
    read_side: ReadSideDep,
    service: ServiceDep,
    by: Annotated[Literal["month", "cohort"] | None, Query(description="break each row down by")] = None,
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    cohort: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """Spend, units and unit cost per provider and category, in-house against external, net of
    reversals (commissioner, auditor; commissioners' small groups withheld)."""
    result = read_side.view("providers").unit_costs(by, date_from, date_to, cohort)
    result = _providers_suppressed(request, actor, result, read_side)
    mark_freshness(response, read_side, service, "providers")
    if wants_csv(request):
        rows = [{"rows": "provider", **r} for r in result["providers"]]
        rows += [{"rows": "side", **r} for r in result["in_house_vs_external"]]
        return csv_answer(rows_csv(wire(rows)), response)
    return ProviderCostsOut.model_validate({"by": by, **wire(result)})


def _providers_suppressed(
    request: Request, actor: Actor, result: dict[str, Any], read_side: Any
) -> dict[str, Any]:
    """Commissioners: a group behind fewer families than the threshold is withheld, and one more
    beside it where a shown total would give it away (per category and side, and overall)."""
    threshold = _threshold(request, actor)
    families = suppress.families_of_budgets(read_side) if threshold is not None else {}
    out: dict[str, Any] = {"total": result["total"], "suppression_threshold": threshold}
    hidden = 0
    everyone: set[str] = set()
    for part in ("providers", "in_house_vs_external"):
        rows = [{k: v for k, v in r.items() if k != "budgets"} for r in result[part]]
        counts = [len({families.get(b, b) for b in r["budgets"]}) for r in result[part]]
        everyone.update(families.get(b, b) for r in result[part] for b in r["budgets"])
        if threshold is None:
            out[part] = [{**r, "suppressed": False} for r in rows]
            continue
        by_side = (lambda r: (r["category"], _side(r))) if part == "providers" else (lambda r: ())
        out[part], withheld = withhold(rows, counts, threshold, ("amount",), by_side, ("units", "unit_costs"))
        hidden += withheld
    if threshold is not None and 0 < len(everyone) < threshold:
        out["total"] = None
    return {**out, "suppressed_groups": hidden}


def _side(row: dict[str, Any]) -> str:
    return "unregistered" if row["in_house"] is None else "in_house" if row["in_house"] else "external"
