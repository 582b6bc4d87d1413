"""The demo cohort as plain data: families, their allocations and the stories they play.

Pure and deterministic: no ledger calls and no clock, only `random.Random(seed)`
and exact `Decimal` arithmetic, so the same seed always plans the same cohort.
`ledger_demo.loader` turns these plans into commands; `ledger_demo.spending`
plans each family's month of spending.

The shape follows the council report in the shared background: exactly 92
families in all (83 direct payments, 4 managed accounts, 3 broker-held, 2
council-managed) whose allocations total exactly 397,450 pounds, including one
uplift after a dispute (a smaller test cohort is scaled pro rata); ten on the
Wiltshire-style flat rate of 600 pounds, the rest assessed with the points RAS,
the panel varying a few.

The stories (`ROLES`) are played by the first nine families, so that a nine-family
test cohort still holds every state the demo shows; a family may play two stories
that do not interfere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.money import PENNY, total
from ledger.ras import assess, get_scheme
from ledger_demo.spending import Spending, shape_spending
from ledger_demo.year import month_start

FAMILIES = 92
TOTAL = Decimal("397450.00")
FLAT = Decimal("600.00")
REVISION = Decimal("480.00")  # the upheld allocation dispute's uplift; part of TOTAL
BROKERS = ("amaze-brokerage", "compass-brokerage", "embrace-brokerage", "scope-brokerage")
LEVELS = ("none", "some", "substantial", "critical")
NEEDS = ("personal_care", "health_needs", "behaviour", "community_access", "night_support")
NAMESPACE = uuid5(NAMESPACE_URL, "https://ledger.invalid/demo-budget")
#: story roles, by family index: each story needs a family of the right kind
ROLES = {
    "trial_adopted": 0,
    "instalment_dispute": 1,
    "allocation_dispute": 2,
    "suspended_and_resumed": 2,
    "return_dispute": 3,  # not gated, so its late and queried returns hold nothing back
    "trial_abandoned": 4,
    "closed": 4,  # moves away after December, long after its trial ended
    "queried_unanswered": 5,  # gated (a managed account): October's instalment waits
    "spend_dispute": 6,
    "awaiting_decision": 6,  # gated: January's instalment waits on a return not yet decided
    "suspended": 7,
    "never_sent": 8,  # flat rate: October's instalment waits on a form never returned
}
UPLIFTS = (
    "resource panel uplift: two carers' sleep disrupted most nights",
    "resource panel uplift: sibling with additional needs at home",
)
REDUCTIONS = (
    "reduced: health-funded overnight nursing already meets part of the need",
    "reduced: school holiday scheme place already commissioned",
)


@dataclass
class FamilyPlan:
    index: int
    reference: str
    family_ref: str
    management: str
    cohort: str
    broker_org: str | None
    scheme: str
    answers: dict[str, str]
    indicative: Decimal
    decided: Decimal = Decimal("0.00")
    variance_reason: str | None = None
    streams: dict[str, Decimal] = field(default_factory=dict)
    spending: Spending = field(default_factory=lambda: Spending(Decimal(0), Decimal(0)))

    @property
    def budget_id(self) -> UUID:
        return uuid5(NAMESPACE, self.reference)

    @property
    def flat(self) -> bool:
        return self.scheme == "flat-short-breaks"

    @property
    def gated(self) -> bool:
        """Instalments after the first wait for an accepted monitoring return."""
        return self.flat or (
            (self.management == "managed_account" or self.index % 5 == 1) and self.index % 11 != 3
        )

    def amounts(self) -> dict[str, Decimal]:
        """The decided allocation per funding stream (the rest is social care)."""
        return {"social_care": self.decided - total(self.streams.values()), **self.streams}

    def instalments(self) -> list[tuple[Decimal, date, bool]]:
        if self.flat:
            half = (self.decided / 2).quantize(PENNY)
            return [(half, date(2026, 4, 1), False), (self.decided - half, date(2026, 10, 1), True)]
        quarter = (self.decided / 4).quantize(Decimal(1), ROUND_FLOOR)
        amounts = [quarter] * 3 + [self.decided - 3 * quarter]
        return [(a, month_start(3 * q), self.gated and q > 0) for q, a in enumerate(amounts)]


def references(families: int = FAMILIES) -> list[str]:
    return [f"BH-2026-{i + 1:04d}" for i in range(families)]


def plan_cohort(seed: int = 2026, families: int = FAMILIES) -> list[FamilyPlan]:
    if families < max(ROLES.values()) + 1:
        raise ValueError(f"the demo needs at least {max(ROLES.values()) + 1} families")
    rng = random.Random(seed)
    plans = [_family(rng, i) for i in range(families)]
    target = (TOTAL * families / FAMILIES).quantize(Decimal(1)) - REVISION
    _balance(rng, plans, target)
    _add_variances(plans, target)
    for plan in plans:
        _split_streams(plan)
    shape_spending(rng, plans)
    return plans


def _family(rng: random.Random, i: int) -> FamilyPlan:
    flat = i % 9 == 8
    cohort = "newcomers" if flat or i % 6 == 1 else "existing-users" if i % 2 == 0 else "pilot-2026"
    management = "direct_payment"
    if not flat:
        management = {5: "managed_account", 12: "broker_held"}.get(i % 23, management)
        management = "council_managed" if i % 46 == 20 else management
    plan = FamilyPlan(
        index=i,
        reference=references(i + 1)[i],
        family_ref=f"FAM-{i + 1:04d}",
        management=management,
        cohort=cohort,
        broker_org=None if management == "council_managed" else BROKERS[i % len(BROKERS)],
        scheme="flat-short-breaks" if flat else "short-breaks-points",
        answers={"assessed_need": "yes", "has_bank_account": "yes"} if flat else {},
        indicative=FLAT,
    )
    if not flat:
        _assess(rng, plan)
    return plan


def _assess(rng: random.Random, plan: FamilyPlan) -> None:
    weights = (0, 1, 3, 4) if plan.index % 4 != 3 else (1, 3, 4, 1)
    answers = {key: rng.choices(LEVELS, weights)[0] for key in NEEDS}
    answers["carer_resilience"] = rng.choices(("coping", "strained", "at_risk"), (1, 3, 3))[0]
    answers["siblings"] = rng.choice(("0", "1", "2+"))
    plan.answers = answers
    plan.indicative = assess(get_scheme(plan.scheme), answers).indicative_amount


def _balance(rng: random.Random, plans: list[FamilyPlan], target: Decimal) -> None:
    """Re-assess random families while that brings the cohort's total nearer the target."""
    assessed = [p for p in plans if not p.flat]
    gap = target - total(p.indicative for p in plans)
    for _ in range(20 * len(plans)):
        if abs(gap) <= 8 * len(plans):
            break
        plan = rng.choice(assessed)
        before = (plan.answers, plan.indicative)
        _assess(rng, plan)
        new_gap = gap - (plan.indicative - before[1])
        if abs(new_gap) < abs(gap):
            gap = new_gap
        else:
            plan.answers, plan.indicative = before


def _add_variances(plans: list[FamilyPlan], target: Decimal) -> None:
    """Panel decisions that differ from the RAS close the remaining gap to the penny."""
    for plan in plans:
        plan.decided = plan.indicative
    varied = [p for p in plans if not p.flat and p.index % 8 == 4]
    gap = target - total(p.indicative for p in plans)
    share = (gap / len(varied)).quantize(Decimal(1), ROUND_FLOOR)
    for n, plan in enumerate(varied):
        swing = Decimal(150) * (1 if n % 2 == 0 else -1) if n < len(varied) - len(varied) % 2 else 0
        plan.decided += share + swing + (gap - share * len(varied) if n == len(varied) - 1 else 0)
    for plan in varied:
        if plan.decided != plan.indicative:
            reasons = UPLIFTS if plan.decided > plan.indicative else REDUCTIONS
            plan.variance_reason = reasons[plan.index % 2]


def _split_streams(plan: FamilyPlan) -> None:
    if plan.flat:
        return
    if plan.index % 5 == 3:
        plan.streams["health"] = (plan.decided / 5).quantize(Decimal(10), ROUND_FLOOR)
    if plan.index % 10 == 7:
        plan.streams["education"] = Decimal(400 + 100 * (plan.index % 5))
