"""Plans: per budget and cohort, planned versus actual spend per category, outcome ratings at
reviews, reviews overdue, and the family's entry route and previous package.

Each budget has one row per category from its opening (the categories are a
closed list), so every later event is a plain update: the current plan's
planned amount, spends recorded (net of reversals) and amounts declared on
monitoring return lines (a queried return's lines are taken back out). Actual
per category is `ledger.plan_vs_actual.actual`, the same as one budget's
plan-versus-actual answer. Outcome ratings are copied from reviews; a plan's
revision keeps the latest rating of an outcome it keeps.

What an event's writes depend on besides the event (the ratings a plan revision
carries over, the lines a queried return takes back) is kept in memory as the
events are seen, because a rebuild computes a whole batch's writes before it
applies them; after a restart a budget's first such event reads the committed
rows, which then hold every earlier event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.aggregates import plan_events as pe
from ledger.aggregates.plan_state import OutcomeRating
from ledger.aggregates.vocabulary import BudgetStatus, Category
from ledger.money import ZERO
from ledger.plan_vs_actual import actual
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write

UNKNOWN_ROUTE = "unknown"


class PlansProjection(ReadModelProjection):
    name = "plans"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: each budget's outcome ratings ({outcome id: rating or None}), and each return's lines
        self.ratings: dict[str, dict[str, str | None]] = {}
        self.returned: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}

    def _ratings(self, budget_id: str) -> dict[str, str | None]:
        if budget_id not in self.ratings:
            self.ratings[budget_id] = self.view.ratings(budget_id)
        return self.ratings[budget_id]

    def _lines_of(self, budget_id: str, return_id: str) -> list[tuple[str, Decimal]]:
        key = (budget_id, return_id)
        if key not in self.returned:
            rows = self.view.return_lines(budget_id, return_id)
            self.returned[key] = [(r["category"], from_pence(r["amount"])) for r in rows]
        return self.returned[key]

    def writes(self, event: Any, tracking: Tracking) -> list[Write]:  # type: ignore[override]
        if not isinstance(event, ev.BudgetEvent):
            return []
        budget_id = str(event.originator_id)
        figures = {
            "id": budget_id,
            "status": str(event.figures.status),
            "allocated": to_pence(event.figures.allocated),
        }
        if isinstance(event, ev.BudgetOpened):
            row = {
                "seq": tracking.notification_id,
                "reference": event.reference,
                "family_ref": event.family_ref,
            }
            lines = [("line", {"id": budget_id, "category": c.value}) for c in Category]
            self.ratings[budget_id] = {}
            return [("open", {**figures, **row, "cohort": event.cohort}), *lines]
        return [("figures", figures), *self._facts(budget_id, event)]

    def _facts(self, budget_id: str, event: ev.BudgetEvent) -> list[Write]:
        if isinstance(event, ev.SpendRecorded):
            return [_add(budget_id, "recorded", event.category, event.amount)]
        if isinstance(event, ev.SpendReversed):
            return [_add(budget_id, "recorded", event.category, -event.amount)]
        if isinstance(event, ev.MonitoringReturnSubmitted):
            writes: list[Write] = []
            self.returned[(budget_id, event.return_id)] = [
                (li["category"], li["amount"]) for li in event.lines or []
            ]
            for line in event.lines or []:
                kept = {"id": budget_id, "rid": event.return_id, "category": line["category"]}
                writes += [("return_line", {**kept, "amount": to_pence(line["amount"])})]
                writes += [_add(budget_id, "declared", line["category"], line["amount"])]
            return writes
        if isinstance(event, ev.MonitoringReturnQueried):
            return [_add(budget_id, "declared", c, -a) for c, a in self._lines_of(budget_id, event.return_id)]
        if isinstance(event, pe.SupportPlanAgreed):  # and its revisions
            return self._plan(budget_id, event)
        if isinstance(event, ev.BudgetReviewed):
            self._ratings(budget_id).update({o["outcome_id"]: o["rating"] for o in event.outcomes})
            rated = [
                ("rate", {"id": budget_id, "oid": o["outcome_id"], "rating": o["rating"]})
                for o in event.outcomes
            ]
            review = {"id": budget_id, "reviewed_on": event.reviewed_on.isoformat(),
                      "due": event.next_review_due.isoformat()}  # fmt: skip
            return [("reviewed", review), *rated]
        if isinstance(event, pe.PreviousPackageRecorded):
            return [("previous", {"id": budget_id, "route": event.entry_route, "cost": to_pence(event.cost)})]
        return []

    def _plan(self, budget_id: str, event: pe.SupportPlanAgreed) -> list[Write]:
        ratings = self._ratings(budget_id)
        self.ratings[budget_id] = {o["outcome_id"]: ratings.get(o["outcome_id"]) for o in event.outcomes}
        planned: dict[str, Decimal] = {}
        for line in event.planned:
            planned[line["category"]] = planned.get(line["category"], ZERO) + line["amount"]
        return [
            ("unplan", {"id": budget_id}),
            *(
                ("plan_line", {"id": budget_id, "category": c, "amount": to_pence(a)})
                for c, a in planned.items()
            ),
            ("forget_outcomes", {"id": budget_id}),
            *(
                ("outcome", {"id": budget_id, "oid": o["outcome_id"], "rating": ratings.get(o["outcome_id"])})
                for o in event.outcomes
            ),
            (
                "planned",
                {"id": budget_id, "version": event.plan_version, "due": event.next_review_due.isoformat()},
            ),
        ]


def _add(budget_id: str, column: str, category: str, amount: Decimal) -> Write:
    return (f"add_{column}", {"id": budget_id, "category": category, "amount": to_pence(amount)})


class PlansQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}plans_budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("seq", BigInteger, nullable=False, index=True),
            Column("reference", Text, nullable=False),
            Column("family_ref", Text, nullable=False),
            Column("cohort", Text),
            Column("status", Text, nullable=False),
            Column("allocated", BigInteger, nullable=False),
            Column("plan_version", Integer),
            Column("next_review_due", Text),
            Column("last_reviewed_on", Text),
            Column("entry_route", Text),
            Column("previous_cost", BigInteger),
        )
        self.lines = Table(
            f"{prefix}plans_lines",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("category", Text, primary_key=True),
            Column("planned", BigInteger, nullable=False, default=0),
            Column("recorded", BigInteger, nullable=False, default=0),
            Column("declared", BigInteger, nullable=False, default=0),
        )
        self.returned = Table(
            f"{prefix}plans_return_lines",
            metadata,
            Column("budget_id", Text, nullable=False, index=True),
            Column("return_id", Text, nullable=False),
            Column("category", Text, nullable=False),
            Column("amount", BigInteger, nullable=False),
        )
        self.outcomes = Table(
            f"{prefix}plans_outcomes",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("outcome_id", Text, primary_key=True),
            Column("rating", Text),
        )

    def statements(self) -> Mapping[str, Executable]:
        b, li, r, o = self.budgets, self.lines, self.returned, self.outcomes
        this = b.c.budget_id == bindparam("id")
        line = and_(li.c.budget_id == bindparam("id"), li.c.category == bindparam("category"))
        figures: dict[str, Any] = {"status": bindparam("status"), "allocated": bindparam("allocated")}
        return {
            "open": insert(b).values(
                budget_id=bindparam("id"),
                seq=bindparam("seq"),
                reference=bindparam("reference"),
                family_ref=bindparam("family_ref"),
                cohort=bindparam("cohort"),
                **figures,
            ),
            "line": insert(li).values(
                budget_id=bindparam("id"), category=bindparam("category"), planned=0, recorded=0, declared=0
            ),
            "figures": update(b).where(this).values(**figures),
            "add_recorded": update(li).where(line).values(recorded=li.c.recorded + bindparam("amount")),
            "add_declared": update(li).where(line).values(declared=li.c.declared + bindparam("amount")),
            "return_line": insert(r).values(
                budget_id=bindparam("id"),
                return_id=bindparam("rid"),
                category=bindparam("category"),
                amount=bindparam("amount"),
            ),
            "unplan": update(li).where(li.c.budget_id == bindparam("id")).values(planned=0),
            "plan_line": update(li).where(line).values(planned=bindparam("amount")),
            "forget_outcomes": delete(o).where(o.c.budget_id == bindparam("id")),
            "outcome": insert(o).values(
                budget_id=bindparam("id"), outcome_id=bindparam("oid"), rating=bindparam("rating")
            ),
            "planned": update(b)
            .where(this)
            .values(plan_version=bindparam("version"), next_review_due=bindparam("due")),
            "reviewed": update(b)
            .where(this)
            .values(last_reviewed_on=bindparam("reviewed_on"), next_review_due=bindparam("due")),
            "rate": update(o)
            .where(and_(o.c.budget_id == bindparam("id"), o.c.outcome_id == bindparam("oid")))
            .values(rating=bindparam("rating")),
            "previous": update(b)
            .where(this)
            .values(entry_route=bindparam("route"), previous_cost=bindparam("cost")),
        }

    # --- what the projection reads back while deciding its writes --------------------------
    def return_lines(self, budget_id: str, return_id: str) -> list[dict[str, Any]]:
        r = self.returned
        query = select(r.c.category, r.c.amount).where(r.c.budget_id == budget_id, r.c.return_id == return_id)
        return self.select(query)

    def ratings(self, budget_id: str) -> dict[str, str | None]:
        o = self.outcomes
        rows = self.select(select(o.c.outcome_id, o.c.rating).where(o.c.budget_id == budget_id))
        return {row["outcome_id"]: row["rating"] for row in rows}

    # --- the answers ---------------------------------------------------------------------------
    @kept
    def plans(self, cohort: str | None = None) -> dict[str, Any]:
        """Planned and actual by cohort and category; outcomes met; existing users versus newcomers."""
        budgets = self._budgets(cohort)
        lines = self._lines(cohort)
        outcomes = self._outcomes(cohort)
        by_cohort_category: dict[tuple[str | None, str], dict[str, Any]] = {}
        by_route: dict[str, dict[str, Any]] = {}
        for row in budgets:
            group = by_route.setdefault(row["route"], _route_group(row["route"]))
            group["budget_ids"].add(row["budget_id"])
            group["families"].add(row["family_ref"])
            group["allocated"] += from_pence(row["allocated"])
            if row["previous_cost"] is not None:
                cost = from_pence(row["previous_cost"])
                group["previous_cost"] += cost
                group["gained"] += from_pence(row["allocated"]) > cost
                group["lost"] += from_pence(row["allocated"]) < cost
        routes = {row["budget_id"]: row["route"] for row in budgets}
        for row in lines:
            planned, recorded, declared = (from_pence(row[k]) for k in ("planned", "recorded", "declared"))
            done = actual(recorded, declared)
            key = (row["cohort"], row["category"])
            group = by_cohort_category.setdefault(key, _category_group(*key))
            for name, amount in (
                ("planned", planned),
                ("recorded", recorded),
                ("declared", declared),
                ("actual", done),
            ):
                group[name] += amount
            group["families"].add(row["family_ref"])
            route = by_route[routes[row["budget_id"]]]
            route["planned"] += planned
            route["actual"] += done
        for row in outcomes:
            route = by_route[routes[row["budget_id"]]]
            route["outcomes"] += 1
            if row["rating"] is not None:
                route["rated"] += 1
                route[row["rating"]] += 1
        groups = sorted(by_cohort_category.values(), key=lambda g: (g["cohort"] or "", g["category"]))
        return {
            "by_cohort_category": [_families(g) for g in groups],
            "by_entry_route": [_families(_shares(g)) for _, g in sorted(by_route.items())],
            "totals": _families(_shares(_totals(list(by_route.values())))),
        }

    def _budgets(self, cohort: str | None) -> list[dict[str, Any]]:
        b = self.budgets
        query = select(
            b.c.budget_id, b.c.family_ref, b.c.allocated, b.c.previous_cost,
            func.coalesce(b.c.entry_route, UNKNOWN_ROUTE).label("route"),
        )  # fmt: skip
        return self.select(query.where(b.c.cohort == cohort) if cohort is not None else query)

    def _lines(self, cohort: str | None) -> list[dict[str, Any]]:
        b, li = self.budgets, self.lines
        query = (
            select(li, b.c.cohort, b.c.family_ref)
            .join(b, b.c.budget_id == li.c.budget_id)
            .where((li.c.planned != 0) | (li.c.recorded != 0) | (li.c.declared != 0))
        )
        return self.select(query.where(b.c.cohort == cohort) if cohort is not None else query)

    def _outcomes(self, cohort: str | None) -> list[dict[str, Any]]:
        b, o = self.budgets, self.outcomes
        query = select(o, b.c.cohort).join(b, b.c.budget_id == o.c.budget_id)
        return self.select(query.where(b.c.cohort == cohort) if cohort is not None else query)

    @kept
    def reviews_overdue(self, today: date) -> list[dict[str, Any]]:
        """Budgets (not closed) whose next review was due before `today` and has not happened."""
        b = self.budgets
        query = (
            select(b.c.budget_id, b.c.reference, b.c.next_review_due, b.c.last_reviewed_on)
            .where(b.c.next_review_due < today.isoformat(), b.c.status != BudgetStatus.CLOSED.value)
            .order_by(b.c.next_review_due, b.c.reference)
        )
        return [
            {**row, "days_overdue": (today - date.fromisoformat(row["next_review_due"])).days}
            for row in self.select(query)
        ]


def _category_group(cohort: str | None, category: str) -> dict[str, Any]:
    money = dict.fromkeys(("planned", "recorded", "declared", "actual"), ZERO)
    return {"cohort": cohort, "category": category, **money, "families": set()}


def _route_group(route: str) -> dict[str, Any]:
    money = dict.fromkeys(("allocated", "previous_cost", "planned", "actual"), ZERO)
    counts = dict.fromkeys(("gained", "lost", "outcomes", "rated", *OutcomeRating), 0)
    return {"entry_route": route, "budget_ids": set(), "families": set(), **money, **counts}


def _totals(groups: list[dict[str, Any]]) -> dict[str, Any]:
    total = _route_group("all")
    for g in groups:
        for key, value in g.items():
            if isinstance(value, set):
                total[key] |= value
            elif key != "entry_route":
                total[key] += value
    return total


def _shares(group: dict[str, Any]) -> dict[str, Any]:
    """The share of rated outcomes met (None when none was rated)."""
    rated = group["rated"]
    share = (Decimal(group[OutcomeRating.MET]) / rated).quantize(Decimal("0.0001")) if rated else None
    rest = {k: v for k, v in group.items() if k != "budget_ids"}
    return {**rest, "share_met": share, "budgets": len(group["budget_ids"])}


def _families(group: dict[str, Any]) -> dict[str, Any]:
    return {**group, "families": len(group["families"])}


class SQLitePlansView(PlansQueries, SQLiteReadView):
    pass


class PostgresPlansView(PlansQueries, PostgresReadView):
    pass
