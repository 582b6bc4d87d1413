"""The decision pathway's commands for the read models' random sequences (`tests.projections.commands`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.budget import Budget
from ledger.aggregates.plan_state import EntryRoute, OutcomeRating, OutcomeRatingIn, PlannedLine
from ledger.aggregates.vocabulary import Category
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER as CW
from tests.unit.factories import TARGETED_ANSWERS


def _indicative(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.set_indicative(CW, b.id, ("short-breaks-points", TARGETED_ANSWERS, 1), bool(pick & 1))


def _plan(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    """A plan (or a revision) of one to three outcomes and one or two categories."""
    ceiling = b.plan_ceiling()
    room = ceiling[0] if ceiling else Decimal(size)
    categories = list(Category)
    lines = [
        PlannedLine(
            categories[(pick >> i) % len(categories)],
            max(room / 3, Decimal("0.01")).quantize(Decimal("0.01")),
        )
        for i in range(1 + pick % 2)
    ]
    outcomes = [(f"O{n}", "an outcome") for n in range(1 + (pick >> 3) % 3, 4)]
    reason = "reviewed" if b.support_plan is not None else None
    app.agree_support_plan(CW, b.id, outcomes, lines, date(2026, 4, 20), date(2026, 5, 1 + pick % 28), reason)


def _review(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    plan = b.support_plan
    ratings = list(OutcomeRating)
    rated = [
        OutcomeRatingIn(o, ratings[(pick >> i) % 3]) for i, o in enumerate(plan.outcome_ids if plan else [])
    ]
    app.review(CW, b.id, date(2026, 6, 1), "reviewed", date(2026, 9, 1 + pick % 60 // 2), outcomes=rated)


def _previous(app: LedgerService, b: Budget, size: int, pick: int) -> None:
    app.record_previous_package(CW, b.id, Decimal(size * 15), list(EntryRoute)[pick % 2])


PATHWAY_COMMANDS: dict[str, Any] = {
    "indicative": _indicative,
    "plan": _plan,
    "review": _review,
    "previous": _previous,
}
