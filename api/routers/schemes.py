"""Budget schemes: the council's published rules, and the bank-account confirmation some of them ask for."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from api.deps import BudgetId, ItemId, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas import answers
from api.schemas.answers import DoneAnswer
from api.schemas.commands import ReasonIn
from api.schemas.schemes import BankAccountIn, BudgetMonitoringOut, SchemeOut, SchemesOut
from api.schemas.types import Day
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor

router = v1_router(tags=["schemes"], responses=problem_responses(401, 403, 422, 500))
Reader = Annotated[Actor, allowed(Action.SCHEMES)]
Confirmer = Annotated[Actor, allowed(Action.CONFIRM_BANK_ACCOUNT)]
Approver = Annotated[Actor, allowed(Action.APPROVE_SPEND)]
MonitoringReader = Annotated[Actor, allowed(Action.MONITORING)]


@router.get("/schemes")
def list_budget_schemes(actor: Reader, service: ServiceDep) -> SchemesOut:
    """Every published budget scheme version with its rules (caseworker, auditor, broker, family)."""
    return SchemesOut(schemes=[SchemeOut.of(s) for s in service.budget_schemes()])


@router.get("/schemes/{scheme}", responses=problem_responses(404))
def read_budget_scheme(
    scheme: Annotated[str, Path(min_length=1, max_length=80)],
    actor: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=10_000, description="default: the latest")] = None,
) -> SchemeOut:
    """One budget scheme, its latest version unless `version` is given."""
    return SchemeOut.of(service.budget_scheme(scheme, version))


@router.post(
    "/budgets/{budget_id}/bank-account-confirmation",
    responses={**problem_responses(404, 409, 413, 415), **conflicts(errors.BudgetClosed)},
)
def confirm_bank_account(
    budget_id: BudgetId, body: BankAccountIn, actor: Confirmer, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Record that the family's bank account is confirmed (caseworker, or the payments administrator).
    No account details are stored, only the date."""
    return write.run(
        answers.done,
        lambda once: service.confirm_bank_account(actor, budget_id, body.confirmed_on, once=once),
    )


@router.post(
    "/budgets/{budget_id}/spends/{spend_id}/approval",
    responses={
        **problem_responses(404, 409, 413, 415),
        **conflicts(errors.SpendNotAwaitingApproval, errors.InsufficientFunds, errors.CategoryCapExceeded),
    },
)
def approve_spend(
    budget_id: BudgetId, spend_id: ItemId, actor: Approver, service: ServiceDep, write: WriteDep
) -> DoneAnswer:
    """Approve a spend held above the scheme's threshold (caseworker): from now on it counts."""
    return write.run(answers.done, lambda once: service.approve_spend(actor, budget_id, spend_id, once=once))


@router.post(
    "/budgets/{budget_id}/spends/{spend_id}/rejection",
    responses={**problem_responses(404, 409, 413, 415), **conflicts(errors.SpendNotAwaitingApproval)},
)
def reject_spend(
    budget_id: BudgetId,
    spend_id: ItemId,
    body: ReasonIn,
    actor: Approver,
    service: ServiceDep,
    write: WriteDep,
) -> DoneAnswer:
    """Reject a held spend with a reason (caseworker): it never counts."""
    return write.run(
        answers.done, lambda once: service.reject_spend(actor, budget_id, spend_id, body.reason, once=once)
    )


@router.get("/budgets/{budget_id}/monitoring", responses=problem_responses(404))
def budget_monitoring(
    budget_id: BudgetId,
    actor: MonitoringReader,
    service: ServiceDep,
    today: Annotated[Day | None, Query(description="the day overdue is counted to; default today")] = None,
) -> BudgetMonitoringOut:
    """Returns due by the budget scheme's schedule, met or overdue, and the gate (caseworker, auditor,
    broker and family in scope)."""
    budget = service.read(actor, budget_id, Action.MONITORING)
    return BudgetMonitoringOut.of(budget, today or date.today())
