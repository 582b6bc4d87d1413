"""Funding envelopes: what each stream may allocate this year, set by the commissioner.

Set through `ledger.envelopes.set_envelope`, the use case behind `ledger envelopes
set`, before the year's budgets open, so the portfolio read model answers
"allocated against envelope" for every stream the cohort uses. Each envelope is the
stream's allocations rounded up to the next 5,000 pounds: the headroom the
council report keeps for the families still in process. In October the health
envelope is raised, superseding April's (both stay on record), to show that an
envelope is never edited, only replaced.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from ledger.envelopes import list_envelopes, set_envelope
from ledger.money import PENNY
from ledger_demo.cohort import REVISION
from ledger_demo.context import COMMISSIONER, Demo, Timeline
from ledger_demo.year import BEFORE_THE_YEAR, YEAR

STEP = Decimal(5000)
HEALTH_UPLIFT = Decimal("2500.00")


def planned_allocations(demo: Demo) -> dict[str, Decimal]:
    """Each stream's allocations over the cohort, the allocation dispute's uplift included."""
    by_stream: dict[str, Decimal] = defaultdict(Decimal)
    for plan in demo.plans:
        for stream, amount in plan.amounts().items():
            by_stream[stream] += amount
    by_stream["social_care"] += REVISION
    return dict(by_stream)


def _set(demo: Demo, stream: str, amount: Decimal, reason: str) -> None:
    set_envelope(demo.service, COMMISSIONER, stream, YEAR, amount, reason)
    demo.events += 1  # one EnvelopeSet
    demo.envelopes += 1


def with_headroom(allocated: Decimal) -> Decimal:
    return ((allocated / STEP).to_integral_value(ROUND_CEILING) * STEP).quantize(PENNY)


def set_the_years_envelopes(demo: Demo) -> None:
    demo.events += not list_envelopes(demo.service, COMMISSIONER)  # the first setting creates the aggregate
    for stream, allocated in sorted(planned_allocations(demo).items()):
        _set(demo, stream, with_headroom(allocated), "Short breaks budget agreed at cabinet")


def raise_the_health_envelope(demo: Demo) -> None:
    allocated = planned_allocations(demo).get("health")
    if allocated is not None:
        amount = with_headroom(allocated) + HEALTH_UPLIFT
        _set(demo, "health", amount, "Integrated care board's in-year contribution")


TIMELINE: Timeline = (
    (BEFORE_THE_YEAR, set_the_years_envelopes),
    (6, raise_the_health_envelope),
)
