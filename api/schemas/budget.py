"""The budget as clients read it (DESIGN "Shapes that clients read"), and the body that opens one."""

from __future__ import annotations

from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.paging import NEWEST, newest_first
from api.schemas.planning import (
    IndicativeOut,
    OutcomeRatingOut,
    PanelDecisionOut,
    PreviousPackageOut,
    SupportPlanOut,
)
from api.schemas.schemes import PinnedSchemeOut
from api.schemas.types import Day, Management, MoneyOut, Name, Ref, Status

#: the cursor kind of a budget's spends (`api.paging`)
SPENDS = "spends"
EXAMPLE_OPEN: dict[str, Any] = {
    "reference": "BH-2026-0017",
    "family_ref": "FAM-0042",
    "period_start": "2026-04-01",
    "period_end": "2027-03-31",
    "management": "direct_payment",
    "cohort": "2026-pilot",
    "broker_org": "brokerage-a",
}


class OpenBudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_OPEN]})

    reference: Ref = Field(description="the council's unique reference")
    family_ref: Ref = Field(description="the family's pseudonymous id in the case system")
    period_start: Day
    period_end: Day = Field(description="after period_start")
    management: Management
    cohort: Name | None = None
    broker_org: Ref | None = None
    scheme: Ref | None = Field(
        default=None, description="a published budget scheme; default: the default scheme"
    )
    scheme_version: int | None = Field(
        default=None, ge=1, le=10_000, strict=True, description="default: the scheme's latest version"
    )


class Balances(BaseModel):
    allocated: MoneyOut
    scheduled: MoneyOut
    released: MoneyOut
    spent: MoneyOut
    recovered: MoneyOut
    available: MoneyOut = Field(description="released, less net spend, recoveries and open commitments")
    unreleased: MoneyOut
    committed: MoneyOut | None = Field(
        default=None, description="what open commitments hold (null where the scheme takes no commitments)"
    )


class AllocationOut(BaseModel):
    amounts: dict[str, MoneyOut]
    total: MoneyOut
    rationale: str
    variance_reason: str | None
    scheme_id: str | None = Field(description="the RAS scheme, if the allocation was assessed")
    scheme_version: int | None
    scheme_fingerprint: str | None
    answers: dict[str, str]
    points: int | None
    band: str | None
    indicative_amount: MoneyOut | None
    working: list[str]
    revisions: int
    panel_decision_id: str | None = Field(default=None, description="the Resource Panel decision relied on")


class InstalmentOut(BaseModel):
    number: int
    amount: MoneyOut
    due_on: date
    gated: bool
    status: str = Field(description="scheduled, released or cancelled")
    note: str | None = Field(description="why it was cancelled")


class SpendOut(BaseModel):
    spend_id: str
    amount: MoneyOut
    category: str
    provider: str
    service_date: date
    description: str
    units: MoneyOut | None
    unit: str | None
    funding_stream: str | None
    reversed: bool
    reversal_reason: str | None
    provider_id: str | None = Field(default=None, description="the register entry paid, if named")
    medical_tasks: list[str] = Field(default_factory=list)
    nights_override_reason: str | None = Field(
        default=None, description="why the spend went past a scheme's overnight nights threshold"
    )


class ReturnOut(BaseModel):
    return_id: str
    period_start: date
    period_end: date
    declared_spent: MoneyOut
    notes: str
    submitted_at_version: int
    status: str = Field(description="submitted, accepted or queried")
    query_reason: str | None


class TrialOut(BaseModel):
    trial_id: str
    name: str
    virtual_amount: MoneyOut
    baseline_cost: MoneyOut
    spent: MoneyOut
    status: str = Field(description="open, adopted or abandoned")
    notes: str | None
    spends: list[SpendOut]


class DisputeOut(BaseModel):
    dispute_id: str
    subject: str
    subject_ref: str | None
    grounds: str
    status: str = Field(description="open or resolved")
    outcome: str | None
    resolution: str | None


class ReviewOut(BaseModel):
    reviewed_on: date
    summary: str
    next_review_due: date
    outcomes: list[OutcomeRatingOut] = Field(default_factory=list, description="the plan's outcomes as rated")


class SpendPage(BaseModel):
    items: list[SpendOut] = Field(description="newest first")
    next_cursor: str | None = Field(description="pass as `cursor` for older spends; null on the last page")


class ReturnPage(BaseModel):
    items: list[ReturnOut] = Field(description="newest first")
    next_cursor: str | None = Field(description="pass as `cursor` for older returns; null on the last page")


class BudgetOut(BaseModel):
    id: UUID
    reference: str
    family_ref: str
    period_start: date
    period_end: date
    management: str
    cohort: str | None
    broker_org: str | None
    status: Status
    version: int
    head_hash: str = Field(description="the hash of the newest event: a receipt of the whole chain")
    balances: Balances
    allocation: AllocationOut | None
    instalments: list[InstalmentOut]
    spends: list[SpendOut]
    monitoring_returns: list[ReturnOut]
    trials: list[TrialOut]
    disputes: list[DisputeOut]
    reviews: list[ReviewOut]
    # --- budget schemes ---
    scheme: PinnedSchemeOut = Field(description="the budget scheme pinned when the budget opened")
    bank_account_confirmed_on: date | None = Field(description="no account details are stored")
    awaiting_approval: list[SpendOut] = Field(description="spends held for a caseworker's approval")
    # --- the decision pathway (issue 9) ---
    indicative: IndicativeOut | None = Field(
        default=None, description="the RAS result shared with the family"
    )
    support_plan: SupportPlanOut | None = Field(default=None, description="the plan's current version")
    support_plan_versions: int = Field(default=0, description="every version stays in the history")
    panel_decisions: list[PanelDecisionOut] = Field(default_factory=list)
    previous_package: PreviousPackageOut | None = None
    spends_next_cursor: str | None = Field(
        default=None,
        description=f"`spends` holds the newest {NEWEST} spends, newest first; pass this as `cursor`"
        " to GET /v1/budgets/{id}/spends for the older ones (null when there are none)",
    )

    @classmethod
    def of(cls, budget: Any) -> Self:
        """Shape a `ledger` Budget for the wire."""
        allocation = vars(budget.allocation) | {"total": budget.allocated} if budget.allocation else None
        newest, spends_next_cursor = newest_first(SPENDS, list(budget.spends.values()), NEWEST, None)
        spends = [SpendOut.model_validate(vars(s)) for s in newest]
        return cls(
            id=budget.id,
            reference=budget.reference,
            family_ref=budget.family_ref,
            period_start=budget.period_start,
            period_end=budget.period_end,
            management=budget.management,
            cohort=budget.cohort,
            broker_org=budget.broker_org,
            status=budget.status,
            version=budget.version,
            head_hash=budget.head_hash,
            balances=balances_of(budget),
            allocation=AllocationOut.model_validate(allocation) if allocation else None,
            instalments=[InstalmentOut.model_validate(vars(i)) for i in budget.instalments],
            spends=spends,
            spends_next_cursor=spends_next_cursor,
            monitoring_returns=[ReturnOut.model_validate(vars(r)) for r in budget.returns.values()],
            trials=[_trial(t) for t in budget.trials.values()],
            disputes=[DisputeOut.model_validate(vars(d)) for d in budget.disputes.values()],
            reviews=[ReviewOut.model_validate(vars(r)) for r in budget.reviews],
            scheme=PinnedSchemeOut.of(budget.scheme),
            bank_account_confirmed_on=budget.bank_account_confirmed_on,
            awaiting_approval=[SpendOut.model_validate(vars(s)) for s in budget.awaiting_approval.values()],
            indicative=IndicativeOut.model_validate(vars(budget.indicative)) if budget.indicative else None,
            support_plan=SupportPlanOut.of(budget.support_plan) if budget.support_plan else None,
            support_plan_versions=len(budget.plans),
            panel_decisions=[
                PanelDecisionOut.model_validate(vars(d)) for d in budget.panel_decisions.values()
            ],
            previous_package=(
                PreviousPackageOut.model_validate(vars(budget.previous_package))
                if budget.previous_package
                else None
            ),
        )


def balances_of(budget: Any) -> Balances:
    names = ("allocated", "scheduled", "released", "spent", "recovered", "available", "unreleased")
    committed = budget.figures().committed  # the domain says whether its scheme holds commitments
    return Balances(**{name: getattr(budget, name) for name in names}, committed=committed)


def _trial(trial: Any) -> TrialOut:
    spends = [SpendOut.model_validate(vars(s)) for s in trial.spends.values()]
    return TrialOut.model_validate(vars(trial) | {"spends": spends})
