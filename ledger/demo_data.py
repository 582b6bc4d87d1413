"""The demo cohort as plain data: families, allocations and a year of spending, from one seed.

Pure and deterministic: no ledger calls and no clock, only `random.Random(seed)`
and exact `Decimal` arithmetic, so the same seed always plans the same cohort.
`ledger.demo` turns these plans into commands.

The shape follows the council report in the shared background: exactly 92
families in all (83 direct payments, 4 managed accounts, 3 broker-held, 2
council-managed) whose allocations total exactly 397,450 pounds, including one
uplift after a dispute (a smaller test cohort is scaled pro rata); ten on the
Wiltshire-style flat rate of 600 pounds, the rest assessed with the points RAS,
the panel varying a few; existing service users moving month by month from
residential overnight breaks to personal assistants, newcomers spending more on
community activities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.aggregates.spending import SpendRequest
from ledger.money import PENNY, ZERO, total
from ledger.ras import assess, get_scheme

FAMILIES = 92
TOTAL = Decimal("397450.00")
FLAT = Decimal("600.00")
REVISION = Decimal("480.00")  # the upheld allocation dispute's uplift; part of TOTAL
PERIOD = (date(2026, 4, 1), date(2027, 3, 31))
BROKERS = ("amaze-brokerage", "compass-brokerage", "embrace-brokerage", "scope-brokerage")
LEVELS = ("none", "some", "substantial", "critical")
NEEDS = ("personal_care", "health_needs", "behaviour", "community_access", "night_support")
NAMESPACE = uuid5(NAMESPACE_URL, "https://ledger.invalid/demo-budget")
#: story roles, by family index: each story needs a family of the right kind
ROLES = {
    "trial_adopted": 0,
    "instalment_dispute": 1,
    "allocation_dispute": 2,
    "return_dispute": 3,
    "trial_abandoned": 4,
    "spend_dispute": 6,
    "suspended": 7,
    "closed": 8,
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
class Spending:
    """How a family means to spend each month: a steady sum, its PA share growing."""

    monthly: Decimal
    pa_rate: Decimal  # per hour
    pa_share: Decimal = Decimal("0.35")  # of the monthly sum, in April
    pa_growth: Decimal = Decimal("0.015")  # added to the share each month
    res_rate: Decimal | None = None  # per night, for families still using residential breaks
    res_switch: int = 12  # the first month without a residential night
    secondary: tuple[str, str, Decimal, str] = ("community_activity", "sessions", Decimal("9.50"), "Pool")


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


def month_start(month: int) -> date:
    """Month 0 is April 2026, month 11 is March 2027."""
    year, zero_based = divmod(3 + month, 12)
    return date(2026 + year, zero_based + 1, 1)


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


# category, unit, unit price, provider: one per family, chosen by cohort
SECONDARY = {
    "existing-users": (
        ("outreach", "hours", "24.00", "Council outreach service"),
        ("short_term_foster_care", "nights", "110.00", "Link family carers"),
        ("home_care", "hours", "21.00", "At-home care agency"),
    ),
    "pilot-2026": (
        ("community_activity", "sessions", "18.50", "Inclusive youth club"),
        ("befriending", "sessions", "16.00", "Befriending scheme"),
        ("outreach", "hours", "24.00", "Council outreach service"),
    ),
    "newcomers": (
        ("community_activity", "sessions", "9.50", "Leisure centre swimming club"),
        ("befriending", "sessions", "16.00", "Befriending scheme"),
    ),
}
# category, unit, provider, description: the month's remainder, in rotation
EXTRAS = (
    ("equipment", "items", "Sensory equipment supplier", "Sensory play equipment"),
    ("training", "sessions", "First aid trainers", "PA first aid and epilepsy training"),
    ("transport", "days", "Accessible taxis", "Transport to activities"),
    ("other", None, "Holiday play scheme", "Membership fee"),
    ("community_activity", "sessions", "Adventure playground", "Day passes"),
)
RESIDENTIAL = ("Beacon House short breaks unit", "Harbour View residential respite")
PA_PROVIDER = "Personal assistant employed by the family"


def shape_spending(rng: random.Random, plans: list[FamilyPlan]) -> None:
    """Existing users with room in their budget keep one residential night a month until
    their switch month; switch months go round the year so the cohort's nights fall monthly."""
    residential = 0
    for plan in plans:
        rate = Decimal(rng.randrange(1350, 1800, 25)) / 100
        s = Spending((plan.decided * rng.randint(82, 94) / 1200).quantize(PENNY), rate)
        options = SECONDARY[plan.cohort]
        category, unit, price, provider = options[rng.randrange(len(options))]
        s.secondary = (category, unit, Decimal(price), provider)
        if plan.cohort == "newcomers":
            s.pa_share, s.pa_growth = (ZERO, ZERO) if plan.flat else (Decimal("0.15"), Decimal("0.01"))
        if plan.cohort == "existing-users":
            s.pa_share, s.pa_growth = Decimal("0.22"), Decimal("0.02")
            night = min(
                Decimal(rng.randrange(185, 265, 5)),
                (s.monthly * Decimal("0.11")).to_integral_value(ROUND_FLOOR) * 5,
            )
            if night >= 150:
                s.res_rate, s.res_switch = night, 1 + residential % 12
                residential += 1
        plan.spending = s


def month_spends(plan: FamilyPlan, month: int, seed: int) -> list[SpendRequest]:
    """The family's spends for one month (0 = April 2026): at most its steady monthly sum."""
    rng = random.Random(f"{seed}/{plan.reference}/{month}")
    s, start = plan.spending, month_start(month)
    days = sorted(rng.sample(range(1, 29), 4))
    spends: list[SpendRequest] = []
    night = s.res_rate if s.res_rate is not None and month < s.res_switch else ZERO
    if night:
        spends.append(
            _spend(
                plan,
                night,
                "residential_overnight",
                RESIDENTIAL[plan.index % 2],
                start.replace(day=days[0]),
                "Overnight short break",
                1,
                "nights",
            )
        )
    freed = (s.res_rate or ZERO) - night
    target = min(s.monthly * (s.pa_share + s.pa_growth * month) + freed * 3 / 4, s.monthly - night - 10)
    hours = (target / s.pa_rate * 4).to_integral_value(ROUND_FLOOR) / 4
    if hours > 0:
        spends.append(
            _spend(
                plan,
                hours * s.pa_rate,
                "personal_assistant",
                PA_PROVIDER,
                start.replace(day=days[1]),
                "PA support at home and out",
                hours,
                "hours",
            )
        )
    rest = s.monthly - total(x.amount for x in spends)
    category, unit, price, provider = s.secondary
    units = (rest * 7 / 10 / price).to_integral_value(ROUND_FLOOR)
    if units > 0:
        spends.append(
            _spend(
                plan,
                units * price,
                category,
                provider,
                start.replace(day=days[2]),
                f"{category.replace('_', ' ').capitalize()}",
                units,
                unit,
            )
        )
        rest -= units * price
    if rest >= 5:
        category, extra_unit, provider, description = EXTRAS[(month + plan.index) % len(EXTRAS)]
        spends.append(
            _spend(
                plan,
                rest,
                category,
                provider,
                start.replace(day=days[3]),
                description,
                1 if extra_unit else None,
                extra_unit,
            )
        )
    return spends


def _spend(
    plan: FamilyPlan,
    amount: Decimal,
    category: str,
    provider: str,
    on: date,
    description: str,
    units: Decimal | int | None,
    unit: str | None,
) -> SpendRequest:
    stream = None
    if plan.streams:  # only budgets funded from several streams say which one pays
        stream = "social_care"
        if "health" in plan.streams and category in ("home_care", "outreach", "short_term_foster_care"):
            stream = "health"
        if "education" in plan.streams and category in ("training", "transport"):
            stream = "education"
    return SpendRequest(
        amount.quantize(PENNY),
        category,
        provider,
        on,
        description,
        None if units is None else Decimal(units).quantize(PENNY),
        unit,
        stream,
    )
