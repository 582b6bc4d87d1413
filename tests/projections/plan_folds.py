"""What the plans read model should say, read off each budget's own plan-versus-actual answer
(`ledger.plan_vs_actual`): only sums and counts here."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ledger.aggregates.budget import Budget
from ledger.money import ZERO
from ledger.plan_vs_actual import plan_vs_actual


def expected_cells(budgets: list[Budget]) -> dict[tuple[str | None, str], tuple[Decimal, ...]]:
    cells: dict[tuple[str | None, str], list[Decimal]] = defaultdict(lambda: [ZERO] * 4)
    for b in budgets:
        for c in plan_vs_actual(b).categories:
            cell = cells[(b.cohort, c.category)]
            for i, amount in enumerate((c.planned, c.recorded, c.declared, c.actual)):
                cell[i] += amount
    return {k: tuple(v) for k, v in cells.items()}


def actual_cells(answer: dict[str, Any]) -> dict[tuple[str | None, str], tuple[Decimal, ...]]:
    return {
        (g["cohort"], g["category"]): (g["planned"], g["recorded"], g["declared"], g["actual"])
        for g in answer["by_cohort_category"]
    }


def expected_routes(budgets: list[Budget]) -> dict[str, dict[str, Any]]:
    routes: dict[str, dict[str, Any]] = {}
    for b in budgets:
        package = b.previous_package
        route = routes.setdefault(
            package.entry_route if package else "unknown",
            {"budgets": 0, "allocated": ZERO, "previous_cost": ZERO, "gained": 0, "lost": 0,
             "planned": ZERO, "actual": ZERO, "outcomes": 0, "rated": 0, "met": 0},
        )  # fmt: skip
        pva = plan_vs_actual(b)
        route["budgets"] += 1
        route["allocated"] += b.allocated
        if package is not None:
            route["previous_cost"] += package.cost
            route["gained"] += b.allocated > package.cost
            route["lost"] += b.allocated < package.cost
        route["planned"] += pva.planned
        route["actual"] += sum((c.actual for c in pva.categories), ZERO)
        route["outcomes"] += len(pva.outcomes)
        route["rated"] += sum(o.rating is not None for o in pva.outcomes)
        route["met"] += sum(o.rating == "met" for o in pva.outcomes)
    return routes


def actual_routes(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = (
        "budgets",
        "allocated",
        "previous_cost",
        "gained",
        "lost",
        "planned",
        "actual",
        "outcomes",
        "rated",
        "met",
    )
    return {g["entry_route"]: {k: g[k] for k in keys} for g in answer["by_entry_route"]}
