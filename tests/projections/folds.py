"""What each read model should say, read off the aggregates themselves: no rule is restated here.

`replay` folds the application's notifications (up to a position) with the
domain's own `mutate`; the `expected_*` functions then read the answers off the
Budget objects (their own `figures()`, their gate, the stream each spend was
charged to), with none of the SQL. What is left here is only arithmetic over
those answers: sums, groupings and shares.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from ledger.aggregates.budget import Budget
from ledger.aggregates.envelopes import ENVELOPES_ID, Envelopes, financial_year
from ledger.aggregates.figures import days_overdue
from ledger.aggregates.state import Spend
from ledger.money import PENNY, ZERO
from ledger.projections.balances import MONEY
from ledger.projections.spending import UNASSIGNED
from ledger.use_cases import LedgerService


@dataclass
class Replay:
    aggregates: dict[UUID, Any] = field(default_factory=dict)

    @property
    def budgets(self) -> list[Budget]:
        return [a for a in self.aggregates.values() if isinstance(a, Budget)]

    @property
    def envelopes(self) -> Envelopes | None:
        return self.aggregates.get(ENVELOPES_ID)


def stream_of(spend: Spend) -> str:
    return spend.charged_stream or UNASSIGNED


def replay(app: LedgerService, upto: int | None = None) -> Replay:
    state, start = Replay(), 0
    while True:
        batch = app.recorder.select_notifications(start=start, limit=500, stop=upto, inclusive_of_start=False)
        for notification in batch:
            event: Any = app.mapper.to_domain_event(notification)
            state.aggregates[event.originator_id] = event.mutate(state.aggregates.get(event.originator_id))
        if len(batch) < 500:
            return state
        start = batch[-1].id


# --- balances ------------------------------------------------------------------------
def expected_balances(state: Replay) -> dict[str, dict[str, Any]]:
    return {
        str(b.id): {
            "status": b.figures().status,
            "version": b.version,
            "balances": {k: getattr(b.figures(), k) for k in (*MONEY, "committed")},
        }
        for b in state.budgets
    }


def actual_balances(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: {k: r[k] for k in ("status", "version", "balances")} for r in rows}


# --- spending ------------------------------------------------------------------------
def facts(state: Replay, include_trials: bool) -> list[tuple[Budget, str | None, Spend]]:
    found: list[tuple[Budget, str | None, Spend]] = []
    for budget in state.budgets:
        found += [(budget, None, s) for s in budget.spends.values() if not s.reversed]
        if include_trials:
            found += [(budget, t.trial_id, s) for t in budget.trials.values() for s in t.spends.values()]
    return found


def expected_spending(state: Replay, group_by: list[str], include_trials: bool = False) -> dict[Any, Any]:
    """Per group: (amount, units per unit, unit cost per unit); shares are checked apart."""
    amounts: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    units: dict[tuple[Any, ...], dict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [ZERO, ZERO])
    )
    for budget, _trial, spend in facts(state, include_trials):
        values = {
            "category": spend.category,
            "month": spend.service_date.isoformat()[:7],
            "cohort": budget.cohort,
            "management": budget.management,
            "stream": stream_of(spend),
        }
        key = tuple(values[k] for k in group_by)
        amounts[key] += spend.amount
        if spend.unit is not None and spend.units is not None:
            units[key][spend.unit][0] += spend.units
            units[key][spend.unit][1] += spend.amount
    return {
        key: (
            amount,
            {u: n for u, (n, _) in sorted(units[key].items())},
            {u: (cost / n).quantize(PENNY, ROUND_HALF_UP) for u, (n, cost) in sorted(units[key].items())},
        )
        for key, amount in amounts.items()
    }


def actual_spending(result: dict[str, Any], group_by: list[str]) -> dict[Any, Any]:
    return {
        tuple(g[k] for k in group_by): (g["amount"], g["units"], g["unit_costs"]) for g in result["groups"]
    }


def check_shares(result: dict[str, Any], group_by: list[str]) -> None:
    """Shares sum to exactly 1 within each grouping and are each within a rounding step of exact."""
    partitions: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for group in result["groups"]:
        partitions[tuple(group[k] for k in group_by[:-1])].append(group)
    for members in partitions.values():
        assert sum(g["share"] for g in members) == 1
        whole = sum(g["amount"] for g in members)
        for g in members:
            assert abs(g["share"] - g["amount"] / whole) < Decimal("0.0001")


# --- monitoring ------------------------------------------------------------------------
def expected_monitoring(state: Replay, today: date) -> dict[str, Any]:
    live = [b for b in state.budgets if b.status != "closed"]
    waiting = [(b, b.instalment(n)) for b in state.budgets for n in b.figures().waiting_at_gate]
    late = {(str(b.id), i.number): days_overdue(i.due_on, today) for b, i in waiting}
    gated = {key: max(0, days or 0) for key, days in late.items()}
    due = {key for key, days in late.items() if days is not None}
    discrepancies = {}
    for b in state.budgets:
        for r in b.returns.values():
            recorded = sum(
                (
                    s.amount
                    for s in b.spends.values()
                    if not s.reversed and r.period_start <= s.service_date <= r.period_end
                ),
                ZERO,
            )
            if r.declared_spent != recorded:
                discrepancies[str(b.id), r.return_id] = (r.declared_spent, recorded)
    return {
        "waiting": {
            (str(b.id), r.return_id) for b in live for r in b.returns.values() if r.status == "submitted"
        },
        "gated_waiting": gated,
        "overdue": {k: v for k, v in gated.items() if k in due},
        "discrepancies": discrepancies,
    }


def actual_monitoring(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "waiting": {(r["budget_id"], r["return_id"]) for r in result["waiting"]},
        "gated_waiting": {(i["budget_id"], i["number"]): i["days_overdue"] for i in result["gated_waiting"]},
        "overdue": {(i["budget_id"], i["number"]): i["days_overdue"] for i in result["overdue"]},
        "discrepancies": {
            (r["budget_id"], r["return_id"]): (r["declared"], r["recorded"]) for r in result["discrepancies"]
        },
    }


# --- portfolio -------------------------------------------------------------------------
def _figures(budgets: list[Budget]) -> dict[str, Any]:
    figures = {
        k: sum((getattr(b.figures(), k) for b in budgets), ZERO)
        for k in ("allocated", "released", "spent", "recovered", "available")
    }
    return {"budgets": len(budgets), **figures}


def expected_portfolio(state: Replay, year: int | None = None) -> dict[str, Any]:
    budgets = [b for b in state.budgets if year is None or financial_year(b.period_start) == year]
    by: dict[str, dict[Any, list[Budget]]] = {"cohort": defaultdict(list), "management": defaultdict(list)}
    streams: dict[str, dict[str, Any]] = defaultdict(lambda: {"budgets": 0, "allocated": ZERO, "spent": ZERO})
    for b in budgets:
        by["cohort"][b.cohort].append(b)
        by["management"][b.management].append(b)
        for stream, amount in b.allocation.amounts.items() if b.allocation else ():
            streams[stream]["budgets"] += amount > 0
            streams[stream]["allocated"] += amount
        for s in b.spends.values():
            if not s.reversed:
                streams[stream_of(s)]["spent"] += s.amount
    return {
        "year": year,
        **_figures(budgets),
        "by_stream": [{"stream": s, **e} for s, e in sorted(streams.items())],
        "by_cohort": [
            {"cohort": c, **_figures(bs)} for c, bs in sorted(by["cohort"].items(), key=_none_last)
        ],
        "by_management": [{"management": m, **_figures(bs)} for m, bs in sorted(by["management"].items())],
        "envelopes": expected_envelopes(state, year),
    }


def _none_last(item: tuple[Any, Any]) -> tuple[bool, str]:
    return (item[0] is None, item[0] or "")


def expected_envelopes(state: Replay, year: int | None) -> list[dict[str, Any]]:
    allocated: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for b in state.budgets:
        for stream, amount in b.allocation.amounts.items() if b.allocation else ():
            allocated[stream, financial_year(b.period_start)] += amount
    envelopes = {(e.stream, e.year): e.amount for e in (state.envelopes.listing() if state.envelopes else [])}
    rows = []
    for stream, y in sorted(set(allocated) | set(envelopes), key=lambda k: (k[1], k[0])):
        if year is None or y == year:
            envelope, given = envelopes.get((stream, y)), allocated.get((stream, y), ZERO)
            remaining = envelope - given if envelope is not None else None
            rows.append(
                {
                    "stream": stream,
                    "year": y,
                    "envelope": envelope,
                    "allocated": given,
                    "remaining": remaining,
                }
            )
    return rows


# --- surplus ---------------------------------------------------------------------------
def expected_surplus(state: Replay) -> dict[str, Any]:
    """Budgets the domain's own `Budget.surplus` calls reclaimable, in the read model's order."""
    held = [(b, b.surplus) for b in state.budgets]
    rows = [
        {
            "id": str(b.id),
            "reference": b.reference,
            "family_ref": b.family_ref,
            "scheme": b.scheme.id,
            "surplus_weeks": s.weeks,
            "period_start": b.period_start.isoformat(),
            "period_end": b.period_end.isoformat(),
            "status": str(b.status),
            "allocated": b.allocated,
            "available": b.available,
            "weekly_support": s.weekly_support,
            "threshold": s.threshold,
            "reclaimable": s.reclaimable,
        }
        for b, s in held
        if s is not None and s.reclaimable > 0
    ]
    return {
        "budgets": sorted(rows, key=lambda r: (-r["reclaimable"], r["id"])),
        "totals": {
            "budgets": len(rows),
            "families": len({r["family_ref"] for r in rows}),
            "available": sum((r["available"] for r in rows), ZERO),
            "reclaimable": sum((r["reclaimable"] for r in rows), ZERO),
        },
    }


def actual_surplus(result: dict[str, Any]) -> dict[str, Any]:
    """The read model's answer with ties in the fold's order (by id; opening order is not in the fold)."""
    return {**result, "budgets": sorted(result["budgets"], key=lambda r: (-r["reclaimable"], r["id"]))}


# --- providers (issue 10): unit costs by provider, folded from the budgets' own spends ---
def expected_providers(state: Replay) -> dict[tuple[str | None, str], tuple[Decimal, dict[str, Decimal]]]:
    """Per (provider_id, category): the net amount and units of every real spend not reversed."""
    out: dict[tuple[str | None, str], tuple[Decimal, dict[str, Decimal]]] = {}
    for budget in state.budgets:
        for spend in budget.spends.values():
            if spend.reversed:
                continue
            amount, units = out.get((spend.provider_id, spend.category), (ZERO, {}))
            if spend.unit is not None and spend.units is not None:
                units = {**units, spend.unit: units.get(spend.unit, ZERO) + spend.units}
            out[(spend.provider_id, spend.category)] = (amount + spend.amount, units)
    return out


def actual_providers(
    result: dict[str, Any],
) -> dict[tuple[str | None, str], tuple[Decimal, dict[str, Decimal]]]:
    return {(r["provider_id"], r["category"]): (r["amount"], r["units"]) for r in result["providers"]}
