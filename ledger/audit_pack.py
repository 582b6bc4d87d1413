"""The dispute pack: everything a family or an ombudsman needs to follow a budget's decisions.

Read from the event store, with nothing recomputed but the RAS: the timeline of every
decision (who, when, what, why, and the balances the domain stamped after it), the
RAS working recomputed from the recorded answers beside the recorded result, every
correction (revision, reversal, recovery, cancellation) with its reason and the
dispute it answers, the disputes and how they ended, and the chain's verification
with its final hash. `api.routers.dispute_pack` serves it as JSON or as a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.plan_state import IndicativeBudget, PanelDecision, PreviousPackage, SupportPlan
from ledger.application import Ledger
from ledger.audit import budget_events, verify_chain
from ledger.audit_actors import actor_names
from ledger.audit_words import sentence, why
from ledger.ras import assess, get_scheme

CORRECTIONS = ("AllocationRevised", "SpendReversed", "SurplusRecovered", "InstalmentCancelled")


@dataclass(frozen=True)
class Who:
    id: str
    role: str
    name: str | None


@dataclass(frozen=True)
class Balances:
    allocated: Decimal
    released: Decimal
    spent: Decimal
    recovered: Decimal
    available: Decimal


@dataclass(frozen=True)
class Step:
    version: int
    recorded_at: datetime
    kind: str
    what: str
    why: str | None
    who: Who
    dispute_id: str | None
    balances: Balances


@dataclass(frozen=True)
class RasCheck:
    """A recorded RAS result beside the same answers scored again by the published scheme."""

    version: int
    scheme_id: str
    scheme_version: int | None
    answers: dict[str, str]
    recorded_points: int | None
    recorded_band: str | None
    recorded_amount: Decimal | None
    recorded_working: list[str]
    recomputed_points: int | None = None
    recomputed_band: str | None = None
    recomputed_amount: Decimal | None = None
    recomputed_working: list[str] = field(default_factory=list)
    matches: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class DisputeStory:
    dispute_id: str
    subject: str
    subject_ref: str | None
    grounds: str
    raised: Step
    resolution: Step | None = None
    outcome: str | None = None
    answered_by: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class PackVerification:
    ok: bool
    checked: int
    first_failure: int | None
    final_hash: str


@dataclass(frozen=True)
class PathwayRecord:
    """The decision pathway as it stands: the indicative budget shared with the family, every
    version of the support plan, the Resource Panel's decisions, the package it replaced."""

    indicative: IndicativeBudget | None
    support_plans: list[SupportPlan]
    panel_decisions: list[PanelDecision]
    previous_package: PreviousPackage | None


@dataclass(frozen=True)
class DisputePack:
    budget_id: UUID
    reference: str
    family_ref: str
    period_start: str
    period_end: str
    status: str
    version: int
    balances: Balances
    timeline: list[Step]
    ras: list[RasCheck]
    corrections: list[Step]
    disputes: list[DisputeStory]
    verification: PackVerification
    made_at: datetime
    pathway: PathwayRecord | None = None


def _step(event: Any, names: Mapping[str, str]) -> Step:
    f = event.figures
    return Step(
        version=event.originator_version,
        recorded_at=event.timestamp,
        kind=type(event).__name__,
        what=sentence(event),
        why=why(event),
        who=Who(event.actor_id, event.actor_role, names.get(event.actor_id)),
        dispute_id=getattr(event, "dispute_id", None),
        balances=Balances(f.allocated, f.released, f.spent, f.recovered, f.available),
    )


def ras_check(event: Any) -> RasCheck:
    recorded = RasCheck(
        event.originator_version,
        event.scheme_id,
        event.scheme_version,
        dict(event.answers),
        event.points,
        event.band,
        event.indicative_amount,
        list(event.working),
    )
    try:
        again = assess(get_scheme(event.scheme_id, event.scheme_version), dict(event.answers))
    except errors.LedgerError as e:
        return RasCheck(**{**vars(recorded), "problem": f"cannot score again: {e.detail}"})
    same = (again.points, again.band, again.indicative_amount) == (
        event.points,
        event.band,
        event.indicative_amount,
    )
    return RasCheck(
        **{
            **vars(recorded),
            "recomputed_points": again.points,
            "recomputed_band": again.band,
            "recomputed_amount": again.indicative_amount,
            "recomputed_working": list(again.working),
            "matches": same,
            "problem": None if same else "the recorded result differs from the scheme's own scoring",
        }
    )


def _disputes(events: list[Any], steps: list[Step]) -> list[DisputeStory]:
    stories: dict[str, DisputeStory] = {}
    for event, step in zip(events, steps, strict=True):
        kind = type(event).__name__
        if kind == "DisputeRaised":
            stories[event.dispute_id] = DisputeStory(
                event.dispute_id, event.subject, event.subject_ref, event.grounds, step
            )
        elif kind == "DisputeResolved" and event.dispute_id in stories:
            story = stories[event.dispute_id]
            stories[event.dispute_id] = DisputeStory(
                **{**vars(story), "resolution": step, "outcome": event.outcome}
            )
        elif step.dispute_id in stories:
            stories[step.dispute_id].answered_by.append(step)
    return list(stories.values())


def dispute_pack(app: Ledger, actor: Actor, budget_id: UUID) -> DisputePack:
    budget = app.read(actor, budget_id, Action.DISPUTE_PACK)
    events = list(budget_events(app, budget_id))
    names = actor_names(app)
    steps = [_step(e, names) for e in events]
    checked = verify_chain(events)
    return DisputePack(
        budget_id=budget_id,
        reference=budget.reference,
        family_ref=budget.family_ref,
        period_start=str(budget.period_start),
        period_end=str(budget.period_end),
        status=str(budget.status),
        version=budget.version,
        balances=steps[-1].balances,
        timeline=steps,
        ras=[ras_check(e) for e in events if getattr(e, "scheme_id", None) and getattr(e, "answers", None)],
        corrections=[s for s in steps if s.kind in CORRECTIONS],
        disputes=_disputes(events, steps),
        verification=PackVerification(checked.ok, checked.checked, checked.first_failure, checked.head_hash),
        made_at=datetime.now(UTC),
        pathway=PathwayRecord(
            budget.indicative,
            list(budget.plans),
            list(budget.panel_decisions.values()),
            budget.previous_package,
        ),
    )
