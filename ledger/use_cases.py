"""The ledger's use cases, one thin verb each: authorise, run one command, save.

Each names the access action it needs (`ledger.access`) and the Budget command
it runs; `Ledger.change` does the loading, saving and retrying.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.access import Action, authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.plan_state import OutcomeRatingIn, PlannedLine
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.state import ReturnLine, Spend
from ledger.application import Ledger, Outcome
from ledger.idempotency import Once
from ledger.plan_vs_actual import PlanVsActual, plan_vs_actual
from ledger.providers import standing_of
from ledger.ras import assess, get_scheme
from ledger.schemes import BudgetScheme
from ledger.schemes.published import find_scheme, publish_scheme, published_schemes


class LedgerService(Ledger):
    name = Ledger.name  # the library names an application after its class unless told

    def decide_allocation(
        self,
        actor: Actor,
        budget_id: UUID,
        amounts: dict[str, Decimal],
        rationale: str,
        ras: tuple[str, dict[str, str], int | None] | None = None,
        variance_reason: str | None = None,
        once: Once | None = None,
    ) -> Outcome[None]:
        """`ras` is (scheme id, answers, version or None for the latest)."""
        assessment = assess(get_scheme(ras[0], ras[2]), ras[1]) if ras else None
        return self.change(
            actor,
            "allocate",
            budget_id,
            lambda b: b.decide_allocation(
                actor,
                amounts,
                self.seal(b, "rationale", rationale),
                assessment,
                self.seal(b, "variance_reason", variance_reason),
            ),
            once=once,
        )

    def revise_allocation(
        self,
        actor: Actor,
        budget_id: UUID,
        amounts: dict[str, Decimal],
        reason: str,
        dispute_id: str | None = None,
        once: Once | None = None,
    ) -> Outcome[None]:
        return self.change(
            actor,
            "allocate",
            budget_id,
            lambda b: b.revise_allocation(actor, amounts, self.seal(b, "reason", reason), dispute_id),
            once=once,
        )

    def schedule_instalment(
        self,
        actor: Actor,
        budget_id: UUID,
        amount: Decimal,
        due_on: date,
        gated: bool,
        once: Once | None = None,
    ) -> Outcome[int]:
        return self.change(
            actor,
            "instalments",
            budget_id,
            lambda b: b.schedule_instalment(actor, amount, due_on, gated),
            once=once,
        )

    def release_instalment(
        self, actor: Actor, budget_id: UUID, number: int, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor, "release", budget_id, lambda b: b.release_instalment(actor, number), once=once
        )

    def cancel_instalment(
        self, actor: Actor, budget_id: UUID, number: int, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "instalments",
            budget_id,
            lambda b: b.cancel_instalment(actor, number, self.seal(b, "reason", reason)),
            once=once,
        )

    def record_spend(
        self,
        actor: Actor,
        budget_id: UUID,
        request: SpendRequest,
        idempotency_key: str | None = None,
        once: Once | None = None,
    ) -> Outcome[Spend]:
        spend_id = self.spend_id(budget_id, idempotency_key)
        standing = standing_of(self, request.provider_id)
        if standing is not None and not request.provider:
            request = replace(request, provider=standing.reference)
        return self.change(
            actor,
            "record_spend",
            budget_id,
            lambda b: b.record_spend(actor, spend_id, self.sealed_request(b, request), standing),
            once=once,
        )

    def reverse_spend(
        self,
        actor: Actor,
        budget_id: UUID,
        spend_id: str,
        reason: str,
        dispute_id: str | None = None,
        once: Once | None = None,
    ) -> Outcome[None]:
        return self.change(
            actor,
            "record_spend",
            budget_id,
            lambda b: b.reverse_spend(actor, spend_id, self.seal(b, "reason", reason), dispute_id),
            once=once,
        )

    def submit_return(
        self,
        actor: Actor,
        budget_id: UUID,
        period_start: date,
        period_end: date,
        declared_spent: Decimal,
        notes: str,
        once: Once | None = None,
        lines: list[ReturnLine] | None = None,
    ) -> Outcome[str]:
        return self.change(
            actor,
            "submit_return",
            budget_id,
            lambda b: b.submit_return(
                actor, period_start, period_end, declared_spent, self.seal(b, "notes", notes), lines
            ),
            once=once,
        )

    def accept_return(
        self, actor: Actor, budget_id: UUID, return_id: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor, "take_return", budget_id, lambda b: b.accept_return(actor, return_id), once=once
        )

    def query_return(
        self, actor: Actor, budget_id: UUID, return_id: str, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "take_return",
            budget_id,
            lambda b: b.query_return(actor, return_id, self.seal(b, "reason", reason)),
            once=once,
        )

    def recover_surplus(
        self, actor: Actor, budget_id: UUID, amount: Decimal, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "recover",
            budget_id,
            lambda b: b.recover_surplus(actor, amount, self.seal(b, "reason", reason)),
            once=once,
        )

    def start_trial(
        self,
        actor: Actor,
        budget_id: UUID,
        name: str,
        virtual_amount: Decimal,
        baseline_cost: Decimal,
        once: Once | None = None,
    ) -> Outcome[str]:
        return self.change(
            actor,
            "trial",
            budget_id,
            lambda b: b.start_trial(actor, name, virtual_amount, baseline_cost),
            once=once,
        )

    def record_trial_spend(
        self,
        actor: Actor,
        budget_id: UUID,
        trial_id: str,
        request: SpendRequest,
        idempotency_key: str | None = None,
        once: Once | None = None,
    ) -> Outcome[Spend]:
        spend_id = self.spend_id(
            budget_id, f"trial/{trial_id}/{idempotency_key}" if idempotency_key else None
        )
        return self.change(
            actor,
            "trial_spend",
            budget_id,
            lambda b: b.record_trial_spend(actor, trial_id, spend_id, self.sealed_request(b, request)),
            once=once,
        )

    def conclude_trial(
        self, actor: Actor, budget_id: UUID, trial_id: str, outcome: str, notes: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "trial",
            budget_id,
            lambda b: b.conclude_trial(actor, trial_id, outcome, self.seal(b, "notes", notes)),
            once=once,
        )

    def raise_dispute(
        self,
        actor: Actor,
        budget_id: UUID,
        subject: str,
        grounds: str,
        subject_ref: str | None = None,
        once: Once | None = None,
    ) -> Outcome[str]:
        return self.change(
            actor,
            "raise_dispute",
            budget_id,
            lambda b: b.raise_dispute(actor, subject, self.seal(b, "grounds", grounds), subject_ref),
            once=once,
        )

    def resolve_dispute(
        self,
        actor: Actor,
        budget_id: UUID,
        dispute_id: str,
        outcome: str,
        resolution: str,
        once: Once | None = None,
    ) -> Outcome[None]:
        return self.change(
            actor,
            "resolve_dispute",
            budget_id,
            lambda b: b.resolve_dispute(actor, dispute_id, outcome, self.seal(b, "resolution", resolution)),
            once=once,
        )

    def review(
        self,
        actor: Actor,
        budget_id: UUID,
        reviewed_on: date,
        summary: str,
        next_review_due: date,
        once: Once | None = None,
        outcomes: list[OutcomeRatingIn] | None = None,
    ) -> Outcome[None]:
        return self.change(
            actor,
            "review",
            budget_id,
            lambda b: b.review(
                actor,
                reviewed_on,
                self.seal(b, "summary", summary),
                next_review_due,
                self.sealed_ratings(b, outcomes),
            ),
            once=once,
        )

    # --- the decision pathway (issue 9) ---------------------------------------------------------
    def set_indicative(
        self,
        actor: Actor,
        budget_id: UUID,
        ras: tuple[str, dict[str, str], int | None],
        completed_with_family: bool,
        once: Once | None = None,
    ) -> Outcome[None]:
        """`ras` is (scheme id, answers, version or None for the latest), as for an allocation."""
        assessment = assess(get_scheme(ras[0], ras[2]), ras[1])
        return self.change(
            actor,
            Action.PLAN,
            budget_id,
            lambda b: b.set_indicative(actor, assessment, completed_with_family),
            once=once,
        )

    def agree_support_plan(
        self,
        actor: Actor,
        budget_id: UUID,
        outcomes: list[tuple[str, str]],
        planned: list[PlannedLine],
        agreed_on: date,
        next_review_due: date,
        reason: str | None = None,
        once: Once | None = None,
    ) -> Outcome[int]:
        """Agree the support plan, or (with `reason`) revise it."""
        return self.change(
            actor,
            Action.PLAN,
            budget_id,
            lambda b: b.agree_support_plan(
                actor,
                self.sealed_outcomes(b, outcomes),
                planned,
                agreed_on,
                next_review_due,
                self.seal(b, "reason", reason),
            ),
            once=once,
        )

    def record_panel_decision(
        self,
        actor: Actor,
        budget_id: UUID,
        panel_date: date,
        reference: str,
        chair_role: str,
        amount: Decimal,
        notes: str,
        once: Once | None = None,
    ) -> Outcome[str]:
        return self.change(
            actor,
            Action.PLAN,
            budget_id,
            lambda b: b.record_panel_decision(
                actor, panel_date, reference, chair_role, amount, self.seal(b, "notes", notes)
            ),
            once=once,
        )

    def record_previous_package(
        self,
        actor: Actor,
        budget_id: UUID,
        cost: Decimal,
        entry_route: str,
        notes: str = "",
        once: Once | None = None,
    ) -> Outcome[None]:
        return self.change(
            actor,
            Action.PLAN,
            budget_id,
            lambda b: b.record_previous_package(actor, cost, entry_route, self.seal(b, "notes", notes)),
            once=once,
        )

    def plan_vs_actual(self, actor: Actor, budget_id: UUID) -> PlanVsActual:
        return plan_vs_actual(self.read(actor, budget_id, Action.PLAN_VS_ACTUAL))

    def suspend_budget(
        self, actor: Actor, budget_id: UUID, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor, "status", budget_id, lambda b: b.suspend(actor, self.seal(b, "reason", reason)), once=once
        )

    def resume_budget(
        self, actor: Actor, budget_id: UUID, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor, "status", budget_id, lambda b: b.resume(actor, self.seal(b, "reason", reason)), once=once
        )

    def close_budget(
        self, actor: Actor, budget_id: UUID, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor, "status", budget_id, lambda b: b.close(actor, self.seal(b, "reason", reason)), once=once
        )

    # --- budget schemes (ledger.schemes): published as data, pinned by a budget when it opens ----
    def open_budget(
        self,
        actor: Actor,
        once: Once | None = None,
        scheme: str | None = None,
        scheme_version: int | None = None,
        **fields: Any,
    ) -> Outcome[UUID]:
        """Open a budget under `scheme` (its latest version unless given); the default scheme if none."""
        authorize(actor, Action.OPEN)
        pinned = find_scheme(self, scheme, scheme_version) if scheme else None
        return super().open_budget(actor, once=once, scheme=pinned, **fields)

    def budget_schemes(self) -> list[BudgetScheme]:
        return published_schemes(self)

    def budget_scheme(self, scheme_id: str, version: int | None = None) -> BudgetScheme:
        return find_scheme(self, scheme_id, version)

    def publish_scheme(self, document: object, by: str) -> tuple[BudgetScheme, bool]:
        return publish_scheme(self, document, by)

    def confirm_bank_account(
        self, actor: Actor, budget_id: UUID, confirmed_on: date, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "confirm_bank_account",
            budget_id,
            lambda b: b.confirm_bank_account(actor, confirmed_on),
            once=once,
        )

    def approve_spend(
        self, actor: Actor, budget_id: UUID, spend_id: str, once: Once | None = None
    ) -> Outcome[Spend]:
        authorize(actor, Action.APPROVE_SPEND)
        standing = standing_of(self, self.held_provider(budget_id, spend_id))
        return self.change(
            actor, "approve_spend", budget_id, lambda b: b.approve_spend(actor, spend_id, standing), once=once
        )

    def held_provider(self, budget_id: UUID, spend_id: str) -> str | None:
        """The register entry a held spend names (its rules are checked again on approval)."""
        try:
            held = self.load(budget_id).awaiting_approval.get(spend_id)
        except errors.BudgetNotFound:
            return None  # `change` answers for a missing budget as it does for every command
        return held.provider_id if held else None

    def reject_spend(
        self, actor: Actor, budget_id: UUID, spend_id: str, reason: str, once: Once | None = None
    ) -> Outcome[None]:
        return self.change(
            actor,
            "approve_spend",
            budget_id,
            lambda b: b.reject_spend(actor, spend_id, self.seal(b, "reason", reason)),
            once=once,
        )
