"""The decision pathway of a budget: indicative budget, support plan, Resource Panel, previous
package (caseworkers record), and plan versus actual (the family and broker read their own)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request, Response

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.routers.analytics import CSV, wants_csv
from api.schemas import answers
from api.schemas.answers import DoneAnswer
from api.schemas.plan_answers import (
    PanelDecisionRecordedAnswer,
    SupportPlanAgreedAnswer,
    panel_recorded,
    plan_agreed,
)
from api.schemas.planning import (
    IndicativeIn,
    PanelDecisionIn,
    PlanVsActualOut,
    PreviousPackageIn,
    SupportPlanIn,
    SupportPlanRevisionIn,
)
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.plan_state import PlannedLine
from ledger.projections.csvout import rows_csv

router = v1_router(
    prefix="/budgets/{budget_id}",
    tags=["support plan"],
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 500),
)
Planner = Annotated[Actor, allowed(Action.PLAN)]
PlanReader = Annotated[Actor, allowed(Action.PLAN_VS_ACTUAL)]
PLAN_RULES = (
    errors.IndicativeBudgetRequired,
    errors.PlannedAboveIndicative,
    errors.PlannedAboveAllocation,
    errors.BudgetClosed,
)


def plan_of(body: SupportPlanIn) -> tuple[list[tuple[str, str]], list[PlannedLine]]:
    outcomes = [(o.id, o.text) for o in body.outcomes]
    planned = [PlannedLine(p.category, p.amount, p.stream, p.units, p.unit) for p in body.planned]
    return outcomes, planned


@router.post(
    "/indicative-budget",
    responses=conflicts(
        errors.IndicativeNotSchemeRas,
        errors.IndicativeAfterAllocation,
        errors.PlannedAboveIndicative,
        errors.BudgetClosed,
    ),
)
def set_indicative_budget(
    budget_id: BudgetId, body: IndicativeIn, actor: Planner, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Record the RAS result as the indicative budget, before the plan and the allocation (caseworker);
    the family reads it on its budget."""
    ras = (body.ras.scheme, dict(body.ras.answers), body.ras.version)
    return write.run(
        answers.done,
        lambda once: service.set_indicative(actor, budget_id, ras, body.completed_with_family, once=once),
    )


@router.post(
    "/support-plan", status_code=201, responses=conflicts(errors.SupportPlanAlreadyAgreed, *PLAN_RULES)
)
def agree_support_plan(
    budget_id: BudgetId, body: SupportPlanIn, actor: Planner, service: ServiceDep, write: WriteDep
) -> SupportPlanAgreedAnswer:
    """Agree the family's support plan: outcomes and planned spend, within the indicative amount
    (or the allocation once decided) (caseworker)."""
    outcomes, planned = plan_of(body)
    return write.run(
        plan_agreed,
        lambda once: service.agree_support_plan(
            actor, budget_id, outcomes, planned, body.agreed_on, body.next_review_due, once=once
        ),
    )


@router.post(
    "/support-plan/revisions", status_code=201, responses=conflicts(errors.SupportPlanNotAgreed, *PLAN_RULES)
)
def revise_support_plan(
    budget_id: BudgetId, body: SupportPlanRevisionIn, actor: Planner, service: ServiceDep, write: WriteDep
) -> SupportPlanAgreedAnswer:
    """A new version of the support plan, with why; every earlier version stays (caseworker)."""
    outcomes, planned = plan_of(body)
    return write.run(
        plan_agreed,
        lambda once: service.agree_support_plan(
            actor, budget_id, outcomes, planned, body.agreed_on, body.next_review_due, body.reason, once=once
        ),
    )


@router.post("/panel-decisions", status_code=201, responses=conflicts(errors.BudgetClosed))
def record_panel_decision(
    budget_id: BudgetId, body: PanelDecisionIn, actor: Planner, service: ServiceDep, write: WriteDep
) -> PanelDecisionRecordedAnswer:
    """Record a Resource Panel decision: an allocation above the indicative amount by more than the
    scheme's panel threshold needs one for at least its amount (caseworker)."""
    return write.run(
        panel_recorded,
        lambda once: service.record_panel_decision(
            actor,
            budget_id,
            body.panel_date,
            body.reference,
            body.chair_role,
            body.amount,
            body.notes,
            once=once,
        ),
    )


@router.post("/previous-package", responses=conflicts(errors.BudgetClosed))
def record_previous_package(
    budget_id: BudgetId, body: PreviousPackageIn, actor: Planner, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Record the cost of the traditional package the budget replaces and whether the family is an
    existing service user or a newcomer (caseworker); recording again corrects it."""
    return write.run(
        answers.done,
        lambda once: service.record_previous_package(
            actor, budget_id, body.cost, body.entry_route, body.notes, once=once
        ),
    )


@router.get(
    "/plan-vs-actual",
    response_model=PlanVsActualOut,
    responses={200: CSV, **problem_responses(401, 403, 404, 422, 500)},
)
def read_plan_vs_actual(request: Request, budget_id: BudgetId, actor: PlanReader, service: ServiceDep) -> Any:
    """Planned and actual spend per category (recorded and declared) and each outcome's latest rating
    (caseworker, auditor, broker and family for their own)."""
    answer = PlanVsActualOut.of(service.plan_vs_actual(actor, budget_id))
    if wants_csv(request):
        return Response(rows_csv(answer.csv_rows()), media_type="text/csv; charset=utf-8")
    return answer
