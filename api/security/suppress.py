"""Small-number suppression applied to the commissioners' analytics answers (issue 14).

The rule is `ledger.projections.suppression`; this module counts the families
behind each group from the read models and applies it. Auditors and caseworkers
get the answers untouched (`suppression_threshold` null, nothing withheld).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import Role
from ledger.projections.readside import ReadSide
from ledger.projections.suppression import withhold

SPENDING_FIGURES = ("amount", "share")
PORTFOLIO_FIGURES = ("budgets", "allocated", "released", "spent", "recovered", "available")
STREAM_FIGURES = ("budgets", "allocated", "spent")


def applies(actor: Actor) -> bool:
    return actor.role == Role.COMMISSIONER


def families_of_budgets(read_side: ReadSide) -> dict[str, str]:
    view: Any = read_side.view("balances")
    b = view.budgets
    return {row["budget_id"]: row["family_ref"] for row in view.select(select(b.c.budget_id, b.c.family_ref))}


def spending(
    view: Any,
    keys: list[str],
    threshold: int,
    filters: tuple[date | None, date | None, str | None, bool, str],
) -> dict[str, Any]:
    """The spending answer with the rule applied to the families the store counted per group."""
    result, behind = view.spending_and_families(keys, *filters)
    counts = [behind.get(tuple(g[k] for k in keys), 0) for g in result["groups"]]
    whole_too_small = fewer_families(counts, threshold, lambda: view.families_in_answer(keys, *filters))
    if whole_too_small:
        counts = [0] * len(counts)
    groups, hidden = withhold(
        result["groups"], counts, threshold, SPENDING_FIGURES, lambda g: tuple(g[k] for k in keys[:-1]),
        emptied=("units", "unit_costs"),
    )  # fmt: skip
    total = None if whole_too_small and result["groups"] else result["total"]
    return {**result, "groups": groups, "total": total, "suppressed_groups": hidden}


def fewer_families(counts: list[int], threshold: int, whole: Callable[[], int]) -> bool:
    """Whether the families behind all the groups are fewer than `threshold`.

    They are at least the most behind one group and at most the sum, so `whole` (a second
    scan of the rows, by the store) is asked only when the threshold falls between the two.
    """
    if counts and max(counts) >= threshold:
        return False
    if sum(counts) < threshold:
        return True
    return whole() < threshold


def portfolio(
    result: dict[str, Any], read_side: ReadSide, threshold: int, year: int | None
) -> dict[str, Any]:
    view: Any = read_side.view("portfolio")
    too_small = view.families(year, None).get(None, 0) < threshold and result.get("budgets", 0) > 0
    out = dict(result)
    hidden_total = 0
    for kind, key in (("by_cohort", "cohort"), ("by_management", "management")):
        families = view.families(year, key)
        counts = [0 if too_small else families.get(row[key], 0) for row in result[kind]]
        out[kind], hidden = withhold(result[kind], counts, threshold, PORTFOLIO_FIGURES)
        hidden_total += hidden
    streams = view.stream_families(year)
    counts = [0 if too_small else streams.get(row["stream"], 0) for row in result["by_stream"]]
    out["by_stream"], hidden = withhold(result["by_stream"], counts, threshold, STREAM_FIGURES)
    hidden_total += hidden
    out["envelopes"] = []
    by_year: dict[int, dict[str, int]] = {}  # one count per year, not one per envelope
    for row in result["envelopes"]:
        if row["year"] not in by_year:
            by_year[row["year"]] = view.stream_families(row["year"])
        small = too_small or by_year[row["year"]].get(row["stream"], 0) < threshold
        if small and row["allocated"]:
            row = {**row, "allocated": None, "remaining": None, "suppressed": True}
            hidden_total += 1
        out["envelopes"].append({"suppressed": False, **row})
    if too_small:
        out.update(dict.fromkeys(PORTFOLIO_FIGURES))
    return {**out, "suppressed_groups": hidden_total}
