"""Unit costs by provider: spend, units and unit cost per provider and category, in-house against external.

One fact row per spend, keyed by the register entry it names (`provider_id`, or
"" for a spend with a free-text provider only), copied with the budget's cohort
and management from `BudgetOpened` and the provider's reference and in-house flag
from `Provider.Registered`. A `SpendReversed` does not name the provider, so its
fact is the recorded one negated (looked up by budget and spend): every sum is
net of reversals. Trial spends pay no one and are left out. A unit cost is a
group's spend on facts with that unit over those units, to the penny (half up),
as in the spending read model.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.aggregates.provider import Provider
from ledger.errors import InvalidInput, InvalidPeriod
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence, unit_costs
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write

#: the extra key a question may break each provider and category down by
BY = ("month", "cohort")
UNREGISTERED = ""  # the provider_id of a spend that names no register entry


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return []


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    return [
        (
            "open",
            {"id": str(event.originator_id), "management": str(event.management), "cohort": event.cohort},
        )
    ]


@writes_for.register
def _(event: Provider.Registered, tracking: Tracking) -> list[Write]:
    params = {"provider_id": str(event.originator_id), "reference": event.reference, "kind": event.kind}
    return [("provider", {**params, "in_house": int(event.in_house)})]


@writes_for.register
def _(event: ev.SpendRecorded, tracking: Tracking) -> list[Write]:
    units = to_pence(event.units) if event.units is not None else None
    return [
        (
            "fact",
            {
                "id": str(event.originator_id),
                "spend_id": event.spend_id,
                "provider_id": event.provider_id or UNREGISTERED,
                "category": event.category,
                "month": event.service_date.isoformat()[:7],
                "service_date": event.service_date.isoformat(),
                "amount": to_pence(event.amount),
                "units": units,
                "unit": event.unit,
            },
        )
    ]


@writes_for.register
def _(event: ev.SpendReversed, tracking: Tracking) -> list[Write]:
    return [("reverse", {"id": str(event.originator_id), "spend_id": event.spend_id})]


class ProvidersProjection(ReadModelProjection):
    name = "providers"
    writes = staticmethod(writes_for)


class ProviderQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("management", Text, nullable=False),
            Column("cohort", Text),
        )
        self.providers = Table(
            f"{prefix}providers",
            metadata,
            Column("provider_id", Text, primary_key=True),
            Column("reference", Text, nullable=False),
            Column("kind", Text, nullable=False),
            Column("in_house", Integer, nullable=False),
        )
        self.facts = Table(
            f"{prefix}facts",
            metadata,
            *(
                Column(name, Text, nullable=False)
                for name in ("budget_id", "spend_id", "kind", "provider_id")
            ),
            *(
                Column(name, Text, nullable=False)
                for name in ("category", "management", "month", "service_date")
            ),
            Column("cohort", Text),
            Column("amount", BigInteger, nullable=False),
            Column("units", BigInteger),
            Column("unit", Text),
            Index(f"{prefix}facts_key", "budget_id", "spend_id", "kind", unique=True),
        )

    def statements(self) -> Mapping[str, Executable]:
        b, f = self.budgets, self.facts
        copied = ("spend_id", "provider_id", "category", "month", "service_date")
        return {
            "open": insert(b).values(
                budget_id=bindparam("id"), management=bindparam("management"), cohort=bindparam("cohort")
            ),
            "provider": insert(self.providers).values(
                provider_id=bindparam("provider_id"),
                reference=bindparam("reference"),
                kind=bindparam("kind"),
                in_house=bindparam("in_house", type_=Integer),
            ),
            "fact": insert(f).from_select(
                ["budget_id", *copied, "amount", "units", "unit", "kind", "management", "cohort"],
                select(
                    b.c.budget_id,
                    *(bindparam(c, type_=Text) for c in copied),
                    bindparam("amount", type_=BigInteger),
                    bindparam("units", type_=BigInteger),
                    bindparam("unit", type_=Text),
                    literal("recorded"),
                    b.c.management,
                    b.c.cohort,
                ).where(b.c.budget_id == bindparam("id")),
            ),
            "reverse": self._reverse(),
        }

    def _reverse(self) -> Executable:
        f = self.facts
        kept = [c for c in f.c if c.name not in ("kind", "amount", "units")]
        return insert(f).from_select(
            [*(c.name for c in kept), "kind", "amount", "units"],
            select(*kept, literal("reversed"), -f.c.amount, -f.c.units).where(
                f.c.budget_id == bindparam("id"),
                f.c.spend_id == bindparam("spend_id"),
                f.c.kind == "recorded",
            ),
        )

    def _filtered(self, query: Any, date_from: date | None, date_to: date | None, cohort: str | None) -> Any:
        f = self.facts
        if date_from and date_to and date_from > date_to:
            raise InvalidPeriod("from is after to")
        if date_from:
            query = query.where(f.c.service_date >= date_from.isoformat())
        if date_to:
            query = query.where(f.c.service_date <= date_to.isoformat())
        if cohort is not None:
            query = query.where(f.c.cohort == cohort)
        return query

    @kept
    def unit_costs(
        self,
        by: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        cohort: str | None = None,
    ) -> dict[str, Any]:
        """Per provider and category (and `by`: month or cohort), and per category in-house against
        external: net amount, units and unit costs, each with the ids of the budgets behind it
        (`budgets`, for the commissioners' small-number suppression; not for the wire)."""
        if by is not None and by not in BY:
            raise InvalidInput(f"by {by!r} is not one of {', '.join(BY)}")
        f = self.facts
        keys = ["provider_id", "category", *([by] if by else [])]
        columns = [f.c[k] for k in keys]
        sums = select(
            *columns, f.c.unit, func.sum(f.c.amount).label("amount"), func.sum(f.c.units).label("units")
        )
        rows = self.select(self._filtered(sums.group_by(*columns, f.c.unit), date_from, date_to, cohort))
        behind = (
            select(*columns, f.c.budget_id)
            .group_by(*columns, f.c.budget_id)
            .having(func.sum(f.c.amount) != 0)
        )
        budgets: dict[tuple[Any, ...], set[str]] = {}
        for row in self.select(self._filtered(behind, date_from, date_to, cohort)):
            budgets.setdefault(tuple(row[k] or "" for k in keys), set()).add(row["budget_id"])
        register = {r["provider_id"]: r for r in self.select(select(self.providers))}
        groups = _fold(rows, keys)
        providers, sides, side_budgets = [], {}, {}  # type: ignore[var-annotated]
        for key in sorted(groups):
            entry = register.get(key[0])
            in_house = bool(entry["in_house"]) if entry else None
            providers.append(
                {
                    "provider_id": key[0] or None,
                    "reference": entry["reference"] if entry else None,
                    "in_house": in_house,
                    **dict(zip(keys[1:], key[1:], strict=True)),
                    **_present(groups[key]),
                    "budgets": budgets.get(key, set()),
                }
            )
            side = (key[1], "unregistered" if entry is None else "in_house" if in_house else "external")
            _add(sides.setdefault(side, _empty()), groups[key])
            side_budgets.setdefault(side, set()).update(budgets.get(key, ()))
        comparison = [
            {"category": c, "side": s, **_present(sides[(c, s)]), "budgets": side_budgets[(c, s)]}
            for c, s in sorted(sides)
        ]
        return {
            "providers": providers,
            "in_house_vs_external": comparison,
            "total": from_pence(sum(g["amount"] for g in groups.values())),
        }


def _empty() -> dict[str, Any]:
    return {"amount": 0, "units": {}, "costs": {}}


def _add(into: dict[str, Any], group: dict[str, Any]) -> None:
    into["amount"] += group["amount"]
    for unit, n in group["units"].items():
        into["units"][unit] = into["units"].get(unit, 0) + n
        into["costs"][unit] = into["costs"].get(unit, 0) + group["costs"][unit]


def _fold(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(tuple(row[k] or "" for k in keys), _empty())
        amount, units = int(row["amount"]), int(row["units"] or 0)
        group["amount"] += amount
        if row["unit"] is not None and units:
            group["units"][row["unit"]] = units
            group["costs"][row["unit"]] = amount
    return {key: group for key, group in groups.items() if group["amount"]}


def _present(group: dict[str, Any]) -> dict[str, Any]:
    units, costs = group["units"], group["costs"]
    return {
        "amount": from_pence(group["amount"]),
        "units": {unit: from_pence(units[unit]) for unit in sorted(units)},
        "unit_costs": unit_costs(units, costs),
    }


class SQLiteProvidersView(ProviderQueries, SQLiteReadView):
    pass


class PostgresProvidersView(ProviderQueries, PostgresReadView):
    pass
