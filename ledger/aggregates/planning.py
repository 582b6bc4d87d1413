"""The decision pathway: indicative budget, support plan, Resource Panel, previous package.

The council report's order is assessment, the RAS shared with the family as an
*indicative budget*, the family's *support plan*, then the allocation (through the
Resource Panel where it goes above the indicative amount), then reviews against the
plan's outcomes. The budget scheme says which steps an allocation waits on
(`BudgetScheme.pathway`) and the panel threshold; the permissive default needs none.

One rule holds throughout: the plan's planned total never exceeds the amount it
plans (the indicative amount before the allocation, the allocation after it), so
every command that moves either amount checks it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from ledger.aggregates import plan_events as pe
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import BudgetBase, require_text
from ledger.aggregates.plan_state import EntryRoute, PlannedLine, SupportPlan
from ledger.aggregates.vocabulary import Category, FundingStream, Unit, check_choice
from ledger.money import to_non_negative_money, to_positive_money, total
from ledger.ras import Assessment


def check_outcomes(outcomes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """A plan's outcomes: at least one, each with a unique id and its text."""
    if not outcomes:
        raise errors.InvalidInput("a support plan names at least one outcome")
    ids = [require_text("outcome id", outcome_id) for outcome_id, _ in outcomes]
    if len(set(ids)) != len(ids):
        raise errors.InvalidInput("a support plan's outcome ids are unique")
    return [
        {"outcome_id": i, "text": require_text("outcome text", text)}
        for i, (_, text) in zip(ids, outcomes, strict=True)
    ]


def check_planned(lines: list[PlannedLine]) -> list[dict[str, Any]]:
    """Planned spend lines: known categories, streams and units, positive amounts."""
    checked = []
    for line in lines:
        if (line.units is None) != (line.unit is None):
            raise errors.InvalidInput("a planned line's units and unit go together")
        checked.append(
            {
                "category": check_choice("category", line.category, Category).value,
                "stream": check_choice("stream", line.stream, FundingStream).value if line.stream else None,
                "amount": to_positive_money(line.amount),
                "units": to_positive_money(line.units) if line.units is not None else None,
                "unit": check_choice("unit", line.unit, Unit).value if line.unit is not None else None,
            }
        )
    return checked


class PlanningCommands(BudgetBase):
    # --- the indicative budget ---------------------------------------------------------
    def set_indicative(self, actor: Actor, assessment: Assessment, completed_with_family: bool) -> None:
        """Record the RAS result (again, if reassessed) before the allocation."""
        self.require_not_closed()
        if self.allocation is not None:
            raise errors.IndicativeAfterAllocation(
                f"budget {self.reference} already has an allocation: revise it instead"
            )
        ras = self.scheme.indicative
        if ras is not None and (assessment.scheme_id, assessment.scheme_version) != (ras.scheme, ras.version):
            raise errors.IndicativeNotSchemeRas(
                f"scheme {self.scheme.id} v{self.scheme.version} sets the indicative budget with RAS "
                f"{ras.scheme} v{ras.version}, not {assessment.scheme_id} v{assessment.scheme_version}"
            )
        self.require_plan_within(assessment.indicative_amount, "indicative")
        a = assessment
        self.record(
            pe.IndicativeBudgetSet(
                **self.stamp(actor),
                scheme_id=a.scheme_id,
                scheme_version=a.scheme_version,
                scheme_fingerprint=a.scheme_fingerprint,
                answers=dict(a.answers),
                points=a.points,
                band=a.band,
                indicative_amount=a.indicative_amount,
                working=list(a.working),
                completed_with_family=completed_with_family,
            )
        )

    # --- the support plan --------------------------------------------------------------
    @property
    def support_plan(self) -> SupportPlan | None:
        """The current version of the plan (every earlier one stays in `plans`)."""
        return self.plans[-1] if self.plans else None

    def plan_ceiling(self) -> tuple[Decimal, str] | None:
        """What the plan must keep within: the allocation once decided, else the indicative amount."""
        if self.allocation is not None:
            return self.allocated, "allocation"
        if self.indicative is not None:
            return self.indicative.amount, "indicative"
        return None

    def require_plan_within(self, amount: Decimal, kind: str, planned: Decimal | None = None) -> None:
        """Refuse an amount (indicative or allocation) the plan's planned total would exceed."""
        if planned is None:
            plan = self.support_plan
            planned = plan.planned_total if plan else None
        if planned is None or planned <= amount:
            return
        error = errors.PlannedAboveIndicative if kind == "indicative" else errors.PlannedAboveAllocation
        raise error(f"the support plan plans {planned}, above the {kind} amount {amount}")

    def agree_support_plan(
        self,
        actor: Actor,
        outcomes: list[tuple[str, str]],
        planned: list[PlannedLine],
        agreed_on: date,
        next_review_due: date,
        reason: str | None = None,
    ) -> int:
        """Agree the plan (no `reason`) or revise it (with one); answers the plan's version."""
        checked_outcomes, lines = check_outcomes(outcomes), check_planned(planned)  # malformed: 422 first
        if next_review_due <= agreed_on:
            raise errors.InvalidPeriod("next_review_due must be after agreed_on")
        self.require_not_closed()
        revising = reason is not None
        if revising and self.support_plan is None:
            raise errors.SupportPlanNotAgreed(f"budget {self.reference} has no support plan to revise")
        if not revising and self.support_plan is not None:
            raise errors.SupportPlanAlreadyAgreed(f"budget {self.reference} has a plan: revise it")
        if revising:
            require_text("reason", reason)
        ceiling = self.plan_ceiling()
        if ceiling is None:
            raise errors.IndicativeBudgetRequired(
                f"budget {self.reference} has no indicative budget or allocation for the plan to keep within"
            )
        planned_total = total(line["amount"] for line in lines)
        self.require_plan_within(ceiling[0], ceiling[1], planned_total)
        fields: dict[str, Any] = dict(
            plan_version=len(self.plans) + 1,
            outcomes=checked_outcomes,
            planned=lines,
            planned_total=planned_total,
            agreed_on=agreed_on,
            next_review_due=next_review_due,
        )
        if reason is not None:
            self.record(pe.SupportPlanRevised(**self.stamp(actor), **fields, reason=reason))
        else:
            self.record(pe.SupportPlanAgreed(**self.stamp(actor), **fields))
        return len(self.plans)

    # --- the Resource Panel ------------------------------------------------------------
    def record_panel_decision(
        self, actor: Actor, panel_date: date, reference: str, chair_role: str, amount: Decimal, notes: str
    ) -> str:
        self.require_not_closed()
        require_text("reference", reference)
        require_text("chair_role", chair_role)
        amount = to_positive_money(amount)
        decision_id = f"P{len(self.panel_decisions) + 1}"
        self.record(
            pe.PanelDecisionRecorded(
                **self.stamp(actor),
                decision_id=decision_id,
                panel_date=panel_date,
                reference=reference,
                chair_role=chair_role,
                amount=amount,
                notes=notes,
            )
        )
        return decision_id

    # --- the previous package ----------------------------------------------------------
    def record_previous_package(self, actor: Actor, cost: Decimal, entry_route: str, notes: str = "") -> None:
        """Record (or correct, by recording again) what the budget replaces and how the family came in."""
        self.require_not_closed()
        route = check_choice("entry_route", entry_route, EntryRoute)
        self.record(
            pe.PreviousPackageRecorded(
                **self.stamp(actor), cost=to_non_negative_money(cost), entry_route=route.value, notes=notes
            )
        )

    # --- what the allocation waits on --------------------------------------------------
    def allocation_assessment(self, assessment: Assessment | None) -> Assessment | None:
        """The assessment the allocation relies on (the one sent, else the recorded indicative
        budget), refusing an allocation whose scheme's pathway lacks a step."""
        pathway = self.scheme.pathway
        if pathway is not None and pathway.indicative_required and self.indicative is None:
            raise errors.IndicativeBudgetRequired(
                f"scheme {self.scheme.id} v{self.scheme.version} wants the indicative budget recorded first"
            )
        if pathway is not None and pathway.support_plan_required and self.support_plan is None:
            raise errors.SupportPlanRequired(
                f"scheme {self.scheme.id} v{self.scheme.version} wants a support plan agreed first"
            )
        if assessment is None and self.indicative is not None:
            i = self.indicative
            assessment = Assessment(
                i.scheme_id, i.scheme_version, i.scheme_fingerprint, dict(i.answers), i.points, i.band,
                i.amount, list(i.working),
            )  # fmt: skip
        return assessment

    def panel_decision_for(self, amount: Decimal, indicative: Decimal | None) -> str | None:
        """The newest panel decision covering `amount`, if the scheme's panel threshold wants one."""
        threshold = self.scheme.panel_threshold
        if threshold is None or indicative is None or amount <= indicative + threshold:
            return None
        covering = [d for d in self.panel_decisions.values() if d.amount >= amount]
        if not covering:
            raise errors.PanelDecisionRequired(
                f"{amount} is above the indicative {indicative} by more than the "
                f"panel threshold {threshold}: record a Resource Panel decision for at least {amount}"
            )
        return covering[-1].decision_id
