"""What the demo's stories share while the year is replayed: the service, the plans, the actors.

A story is a function of a `Demo` that calls `LedgerService` use cases as the
actor who would act in life. `Demo` counts what it wrote (so the summary can say),
remembers the ids the stories created (a dispute raised in one month is resolved
in another), keeps each budget's available funds from the commands' own answers
(so a family whose instalment is held back spends only what it has), and keeps
the caseworker's note of which budgets have had a return accepted since their
last release (so the loader releases a gated instalment only when the gate is
open, and a held one stays scheduled: the state the monitoring read model shows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest
from ledger.application import Outcome
from ledger.use_cases import LedgerService
from ledger_demo.cohort import ROLES, FamilyPlan

T = TypeVar("T")
CASEWORKER = Actor("cw-demo", "caseworker")
COMMISSIONER = Actor("commissioner-demo", "commissioner")
CLOSED_AFTER = 8  # the closed family moves away after December's spends


def family_of(plan: FamilyPlan) -> Actor:
    return Actor(f"family:{plan.family_ref}", "family", family=plan.family_ref)


def spender_of(plan: FamilyPlan) -> Actor:
    """The broker records the family's spends; the council records its own commissioning."""
    if plan.broker_org is None:
        return CASEWORKER
    return Actor(f"broker:{plan.broker_org}", "broker", org=plan.broker_org)


def submitter_of(plan: FamilyPlan) -> Actor:
    """A direct-payment family sends its own form; otherwise whoever holds the money does."""
    return family_of(plan) if plan.management == "direct_payment" else spender_of(plan)


class Demo:
    def __init__(self, service: LedgerService, seed: int, plans: list[FamilyPlan]) -> None:
        self.service, self.seed, self.plans = service, seed, plans
        self.role = {name: plans[index] for name, index in ROLES.items()}
        self.events = self.spends = self.trial_spends = self.envelopes = 0
        self.spent: dict[tuple[int, int], Decimal] = defaultdict(Decimal)  # (family, quarter)
        self.ids: dict[str, str] = {}  # what the stories created: dispute, trial and spend ids
        self.available: dict[UUID, Decimal] = defaultdict(Decimal)
        self.gate_open: set[int] = set()  # families with a return accepted since their last release

    def do(self, outcome: Outcome[T]) -> T:
        """The command's result; counts its event and notes the budget's available funds."""
        self.events += outcome.position is not None
        self.available[outcome.budget.id] = outcome.budget.available
        return outcome.result

    def plays(self, plan: FamilyPlan, *roles: str) -> bool:
        return any(self.role[name] is plan for name in roles)

    def live(self, month: int) -> list[FamilyPlan]:
        """The families still in the area in `month` (the closed one moves away)."""
        return [p for p in self.plans if not (self.plays(p, "closed") and month > CLOSED_AFTER)]

    def spend(self, plan: FamilyPlan, request: SpendRequest, key: str) -> str:
        self.spends += 1
        return self.do(self.service.record_spend(spender_of(plan), plan.budget_id, request, key)).spend_id

    def spend_if_funded(self, plan: FamilyPlan, request: SpendRequest, key: str) -> bool:
        """A family whose instalment is held back spends only what it still has."""
        if request.amount > self.available[plan.budget_id]:
            return False
        self.spend(plan, request, key)
        return True

    def release(self, plan: FamilyPlan, number: int, gated: bool) -> bool:
        """Release the instalment unless it is gated and no return was accepted since the last release."""
        if gated and plan.index not in self.gate_open:
            return False
        self.do(self.service.release_instalment(CASEWORKER, plan.budget_id, number))
        self.gate_open.discard(plan.index)
        return True

    def accept(self, plan: FamilyPlan, return_id: str) -> None:
        self.do(self.service.accept_return(CASEWORKER, plan.budget_id, return_id))
        self.gate_open.add(plan.index)


#: a story step: something that happens to one or a few families in one month of the year
Step = Callable[[Demo], None]
#: each scenario module lists its steps as (month, step); the loader runs them in that month
Timeline = tuple[tuple[int, Step], ...]
