"""How each demo family spends its money, month by month: the trend the commissioners ask about.

Pure and seeded like `ledger_demo.cohort`. Existing service users move month by
month from residential overnight breaks to personal assistants (the council
report's finding from the individual budget pilots), newcomers spend more on
community activities; each family spends a steady monthly sum a little below a
twelfth of its allocation, so a fully released budget never runs dry.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from ledger.aggregates.spending import SpendRequest
from ledger.money import PENNY, ZERO, total
from ledger_demo.year import month_start

if TYPE_CHECKING:
    from ledger_demo.cohort import FamilyPlan


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
