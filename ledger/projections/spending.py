"""Spending patterns: one fact row per spend, for shares, trends and unit costs.

Each `SpendRecorded` (and `TrialSpendRecorded`, kept apart by its `trial_id`)
becomes a fact: budget, spend, category, funding stream, management, cohort,
broker organisation, provider, month (`YYYY-MM` of the service date), service
date, amount (pence) and units (hundredths) with their unit. A `SpendReversed`
carries what the spend was, and adds the same fact negated, so every sum over the
facts is net of reversals. The provider is the register entry the spend names
(`provider_id`), else `unregistered`: free-text providers may be a person's name,
so they are never grouped by (as in the providers read model); a reversal, which
names no provider, takes its spend's. The stream is the one the budget charged
the spend to (`charged_stream`, decided by the aggregate); a spend with no single
stream is under `unassigned`. Management and cohort are copied from `BudgetOpened`.

Shares: with one grouping key (or none) each group's share is of the grand total;
with several keys, shares are within each combination of all keys but the LAST
(`group_by=month,category` gives each month's category shares). Shares are
rounded to four places by largest remainder, so each grouping sums to exactly 1.
Groups whose spends were all reversed (net zero) are left out. Trial spends are
left out unless `include_trials`, which adds them into the same groups. A unit
cost is a group's spend on facts with that unit over those units, to the penny
(half up).

Rollup (shape 3, issue 15): the answers read `cells`, not the facts. Each fact is
summed, by a trigger in the fact's own transaction (`ledger.projections.rollups`),
into its budget's row for its month, category, stream, provider, unit, real or
trial, recorded or declared (cohort, management and family copied), so a question
reads a row per budget per cell instead of a row per spend, and the store counts
the families behind each group (a budget is behind a group when its net spend in
it is not zero) instead of sending every (group, budget) pair to be counted. A
period that starts or ends inside a month takes that month's days from the facts
(by `service_date`, as before) and its whole months from the rollup, so answers
stay exact to the day. The sums read `totals` (shape 4), the same facts summed by
a second trigger into a row per group of every key and unit, whichever budget: a
question's sums then grow with its groups, not with the budgets or the spends.
Counting the families behind each group (for small-number suppression) still reads
`cells`, a row per budget, so a commissioner's answer grows with the budgets; a
repeated question is answered from `ledger.projections.kept` (README, Performance).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    distinct,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.errors import InvalidInput, InvalidPeriod
from ledger.projections.kept import kept
from ledger.projections.pence import from_pence, to_pence, unit_costs
from ledger.projections.rollups import sum_trigger
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write

GROUP_KEYS = ("category", "month", "cohort", "management", "stream", "provider")
SHARE_PLACES = 4
#: the stream of a spend that the budget could not charge to one stream
UNASSIGNED = "unassigned"
REAL = ""  # the trial_id of a real spend
#: the provider of a spend (or declared line) that names no register entry
UNREGISTERED = "unregistered"


def fact_params(
    event: ev.SpendRecorded | ev.TrialSpendRecorded | ev.SpendReversed, sign: int, trial_id: str
) -> dict[str, Any]:
    units = to_pence(event.units) if event.units is not None else None
    return {
        "id": str(event.originator_id),
        "spend_id": event.spend_id,
        "trial_id": trial_id,
        "kind": "reversed" if sign < 0 else "recorded",
        "category": event.category,
        "stream": event.charged_stream or UNASSIGNED,
        "month": event.service_date.isoformat()[:7],
        "service_date": event.service_date.isoformat(),
        "amount": sign * to_pence(event.amount),
        "units": sign * units if units is not None else None,
        "unit": event.unit,
        # None on a reversal: the fact statement takes the recorded spend's provider
        "provider": None if sign < 0 else getattr(event, "provider_id", None) or UNREGISTERED,
    }


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    return []


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    params = {
        "management": str(event.management),
        "cohort": event.cohort,
        "broker_org": event.broker_org,
        "family_ref": event.family_ref,
    }
    return [("open", {"id": str(event.originator_id), **params})]


@writes_for.register
def _(event: ev.SpendRecorded, tracking: Tracking) -> list[Write]:
    return [("fact", fact_params(event, 1, REAL))]


@writes_for.register
def _(event: ev.TrialSpendRecorded, tracking: Tracking) -> list[Write]:
    return [("fact", fact_params(event, 1, event.trial_id))]


@writes_for.register
def _(event: ev.SpendReversed, tracking: Tracking) -> list[Write]:
    return [("fact", fact_params(event, -1, REAL))]


# --- budget schemes: what families declare on monitoring returns, by line --------------------------
#: fact kinds of declared lines: a queried return's lines are withdrawn (its answer declares anew)
DECLARED, WITHDRAWN = "declared", "withdrawn"
BASES = ("recorded", "declared", "all")


@writes_for.register
def _(event: ev.MonitoringReturnSubmitted, tracking: Tracking) -> list[Write]:
    day = event.period_end.isoformat()
    return [
        (
            "fact",
            {
                "id": str(event.originator_id),
                "spend_id": f"{event.return_id}#{n}",
                "trial_id": REAL,
                "kind": DECLARED,
                "category": line["category"],
                "stream": UNASSIGNED,
                "month": day[:7],
                "service_date": day,
                "amount": to_pence(line["amount"]),
                "units": to_pence(line["units"]) if line["units"] is not None else None,
                "unit": line["unit"],
                "provider": UNREGISTERED,
            },
        )
        for n, line in enumerate(event.lines or [], start=1)
    ]


@writes_for.register
def _(event: ev.MonitoringReturnQueried, tracking: Tracking) -> list[Write]:
    return [("withdraw", {"id": str(event.originator_id), "lines": f"{event.return_id}#%"})]


def on_basis(query: Any, facts: Table, basis: str) -> Any:
    """`query` over recorded spends, declared lines, or all of them."""
    declared = or_(facts.c.kind == literal(DECLARED), facts.c.kind == literal(WITHDRAWN))
    if basis == "recorded":
        return query.where(~declared)
    if basis == "declared":
        return query.where(declared)
    return query


class SpendingProjection(ReadModelProjection):
    name = "spending"
    writes = staticmethod(writes_for)


def check_group_by(group_by: list[str] | tuple[str, ...]) -> list[str]:
    keys = list(group_by)
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown:
        raise InvalidInput(f"group_by {', '.join(unknown)} is not among {', '.join(GROUP_KEYS)}")
    if len(set(keys)) != len(keys):
        raise InvalidInput("group_by names each key once")
    return keys


def largest_remainder_shares(amounts: list[int], places: int = SHARE_PLACES) -> list[Decimal]:
    """Each amount's share of their sum, rounded so that the shares sum to exactly 1."""
    whole, scale = sum(amounts), 10**places
    if whole <= 0:
        return [Decimal(0).scaleb(-places) for _ in amounts]
    floors = [a * scale // whole for a in amounts]
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * scale % whole), i))
    for i in by_remainder[: scale - sum(floors)]:
        floors[i] += 1
    return [Decimal(f).scaleb(-places) for f in floors]


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, str(value or "")) for value in key)


class SpendingQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("management", Text, nullable=False),
            Column("cohort", Text),
            Column("broker_org", Text),
            Column("family_ref", Text, nullable=False),  # shape 3: the rollup counts families
        )
        self.facts = Table(
            f"{prefix}facts",
            metadata,
            *(Column(name, Text, nullable=False) for name in ("budget_id", "spend_id", "kind", "trial_id")),
            *(
                Column(name, Text, nullable=False)
                for name in ("category", "stream", "management", "provider")
            ),
            Column("cohort", Text),
            Column("broker_org", Text),
            Column("family_ref", Text, nullable=False),
            Column("month", Text, nullable=False),
            Column("service_date", Text, nullable=False, index=True),
            Column("amount", BigInteger, nullable=False),
            Column("units", BigInteger),
            Column("unit", Text),
            Index(f"{prefix}facts_key", "budget_id", "spend_id", "kind", "trial_id", unique=True),
        )
        self.cells = Table(
            f"{prefix}cells",
            metadata,
            *(Column(name, Text, nullable=False) for name in CELL_KEY),
            Column("family_ref", Text, nullable=False),
            Column("cohort", Text),
            Column("management", Text, nullable=False),
            Column("amount", BigInteger, nullable=False),
            Column("units", BigInteger, nullable=False),
            Index(f"{prefix}cells_key", *CELL_KEY, unique=True),
        )
        self.totals = Table(
            f"{prefix}totals",
            metadata,
            *(Column(name, Text, nullable=False) for name in TOTAL_KEY),
            Column("cohort", Text),
            Column("amount", BigInteger, nullable=False),
            Column("units", BigInteger, nullable=False),
            Index(f"{prefix}totals_key", *TOTAL_KEY, unique=True),
        )
        self.more_ddl += sum_trigger(
            self.dialect, f"{prefix}roll", self.facts, self.cells, CELL_OF_FACT, CELL_KEY, SUMMED
        )
        self.more_ddl += sum_trigger(
            self.dialect, f"{prefix}total", self.facts, self.totals, TOTAL_OF_FACT, TOTAL_KEY, SUMMED
        )

    def statements(self) -> Mapping[str, Executable]:
        b, f = self.budgets, self.facts
        event_columns = ("spend_id", "trial_id", "kind", "category", "stream", "month", "service_date")
        copied = [bindparam(c, type_=Text) for c in event_columns]
        amounts = [bindparam("amount", type_=BigInteger), bindparam("units", type_=BigInteger)]
        recorded = f.alias("recorded")
        spends_provider = (
            select(recorded.c.provider)
            .where(
                recorded.c.budget_id == bindparam("id"),
                recorded.c.spend_id == bindparam("spend_id"),
                recorded.c.kind == literal("recorded"),
                recorded.c.trial_id == bindparam("trial_id"),
            )
            .scalar_subquery()
        )
        provider = func.coalesce(bindparam("provider", type_=Text), spends_provider, literal(UNREGISTERED))
        return {
            "open": insert(b).values(
                budget_id=bindparam("id"),
                management=bindparam("management"),
                cohort=bindparam("cohort"),
                broker_org=bindparam("broker_org"),
                family_ref=bindparam("family_ref"),
            ),
            "fact": insert(f).from_select(
                [
                    "budget_id",
                    *event_columns,
                    "amount",
                    "units",
                    "unit",
                    "provider",
                    "management",
                    "cohort",
                    "broker_org",
                    "family_ref",
                ],
                select(
                    b.c.budget_id,
                    *copied,
                    *amounts,
                    bindparam("unit", type_=Text),
                    provider,
                    b.c.management,
                    b.c.cohort,
                    b.c.broker_org,
                    b.c.family_ref,
                ).where(b.c.budget_id == bindparam("id")),
            ),
            "withdraw": self._withdraw(),
        }

    def _withdraw(self) -> Executable:
        """A queried return's declared lines, negated (so sums over declared lines drop them)."""
        f = self.facts
        kept = [c for c in f.c if c.name not in ("kind", "amount", "units")]
        return insert(f).from_select(
            [*(c.name for c in kept), "kind", "amount", "units"],
            select(*kept, literal(WITHDRAWN), -f.c.amount, -f.c.units).where(
                f.c.budget_id == bindparam("id"), f.c.spend_id.like(bindparam("lines")), f.c.kind == DECLARED
            ),
        )

    @kept
    def spending(
        self,
        group_by: list[str] | tuple[str, ...] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        cohort: str | None = None,
        include_trials: bool = False,
        basis: str = "recorded",
    ) -> dict[str, Any]:
        """Net amounts, units, shares and unit costs per group; see the module's notes on shares.

        `basis`: `recorded` spends (the default), lines `declared` on monitoring returns, or `all`.
        """
        filters = (date_from, date_to, cohort, include_trials, basis)
        keys, source, columns = self._question(group_by, *filters, by_budget=False)
        return _answer(self.select(_sums(source, columns)), keys)

    @kept
    def spending_and_families(
        self,
        group_by: list[str] | tuple[str, ...] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        cohort: str | None = None,
        include_trials: bool = False,
        basis: str = "recorded",
    ) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
        """`spending`'s answer and, for security (issue 14), how many families each group covers.

        One statement (one round trip, one snapshot): the answer's sums, and the families
        behind each group, a family being behind a group when one of its budgets' net spend
        in the group is not zero. Measured at 200,000 events, summing the rows once per group,
        unit and budget in a shared CTE and taking both from it was slower than reading the
        rollup twice (the CTE is written out), and counting distinct families sorts where
        grouping twice hashes.
        """
        filters = (date_from, date_to, cohort, include_trials, basis)
        keys, source, columns = self._question(group_by, *filters)
        totals = self._asked_for(*filters, by_budget=False)
        sums = _sums(totals, [totals.c[k] for k in keys], literal_column("'sums'").label("part"))
        pairs = (
            select(*columns, source.c.family_ref)
            .group_by(*columns, source.c.budget_id, source.c.family_ref)
            .having(func.sum(source.c.amount) != 0)
            .subquery("pairs")
        )
        behind = (
            select(*(pairs.c[k] for k in keys), pairs.c.family_ref)
            .group_by(*(pairs.c[k] for k in keys), pairs.c.family_ref)
            .subquery("behind")
        )
        counted = (
            select(
                literal_column("'families'").label("part"),
                *(behind.c[k] for k in keys),
                cast(null(), Text).label("unit"),
                func.count().label("amount"),
                cast(null(), BigInteger).label("units"),
            )
            .select_from(behind)
            .group_by(*(behind.c[k] for k in keys))
        )
        rows = self.select(union_all(sums, counted))
        counts = {
            tuple(row[k] for k in keys): int(row["amount"])
            for row in rows
            if row["part"] == "families" and row["amount"]  # no keys: one row, even over no pairs
        }
        return _answer([row for row in rows if row["part"] == "sums"], keys), counts

    @kept
    def families_in_answer(
        self,
        group_by: list[str] | tuple[str, ...] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        cohort: str | None = None,
        include_trials: bool = False,
        basis: str = "recorded",
    ) -> int:
        """How many families are behind the groups `spending` answers (those whose net is not zero)."""
        keys, source, columns = self._question(group_by, date_from, date_to, cohort, include_trials, basis)
        pairs = (
            select(*columns, source.c.budget_id, source.c.family_ref)
            .group_by(*columns, source.c.budget_id, source.c.family_ref)
            .having(func.sum(source.c.amount) != 0)
            .subquery("pairs")
        )
        answered = select(*columns, func.sum(source.c.amount).label("net")).group_by(*columns)
        shown = answered.having(func.sum(source.c.amount) != 0).subquery("shown")
        same = and_(true(), *(pairs.c[k].is_not_distinct_from(shown.c[k]) for k in keys))
        whole = select(func.count(distinct(pairs.c.family_ref)).label("families")).select_from(
            pairs.join(shown, same)
        )
        return int(self.select(whole)[0]["families"] or 0)

    def _question(
        self,
        group_by: list[str] | tuple[str, ...],
        date_from: date | None,
        date_to: date | None,
        cohort: str | None,
        include_trials: bool,
        basis: str,
        by_budget: bool = True,
    ) -> tuple[list[str], Any, list[Any]]:
        """The grouping keys, the rows the question sums (`_asked_for`) and their key columns."""
        keys = check_group_by(group_by)
        source = self._asked_for(date_from, date_to, cohort, include_trials, basis, by_budget)
        return keys, source, [source.c[k] for k in keys]

    def _asked_for(
        self,
        date_from: date | None,
        date_to: date | None,
        cohort: str | None,
        include_trials: bool,
        basis: str,
        by_budget: bool = True,
    ) -> Any:
        """The rows an analytics question sums, with each row's budget and family if `by_budget`.

        Whole months come from a rollup: `cells` (a row per budget, for counting families)
        or `totals` (a row per group, for the sums); the days of a month the period covers
        only in part come from the facts, as they are (so `from`/`to` stay exact to the day).
        Both read the same facts under the same filters, so the counts are of the answer's rows.
        """
        if basis not in BASES:
            raise InvalidInput(f"basis {basis!r} is not one of {', '.join(BASES)}")
        if date_from and date_to and date_from > date_to:
            raise InvalidPeriod("from is after to")
        c, f = self.cells if by_budget else self.totals, self.facts
        read = SOURCE if by_budget else TOTAL_SOURCE
        part_first = date_from is not None and date_from.day != 1
        part_last = date_to is not None and (date_to + timedelta(days=1)).day != 1
        first = _month(_next_month(date_from) if date_from and part_first else date_from)
        last = _month(_month_before(date_to) if date_to and part_last else date_to)
        whole = select(*(c.c[k] for k in read))
        if first:
            whole = whole.where(c.c.month >= first)
        if last:
            whole = whole.where(c.c.month <= last)
        if cohort is not None:
            whole = whole.where(c.c.cohort == cohort)
        if not include_trials:
            whole = whole.where(c.c.trial == literal(REAL_CELL))
        if basis != "all":
            whole = whole.where(c.c.side == literal(basis))
        if not part_first and not part_last:
            return whole.subquery("rows")
        fact_columns = [
            func.coalesce(f.c.unit, literal("")).label("unit") if k == "unit" else
            func.coalesce(f.c.units, literal(0)).label("units") if k == "units" else f.c[k]
            for k in read
        ]  # fmt: skip
        days = _facts_asked_for(select(*fact_columns), f, date_from, date_to, cohort, include_trials, basis)
        if first and last and first > last:  # no whole month: the facts alone
            return days.subquery("rows")
        edges = [f.c.month < first] if first else []
        edges += [f.c.month > last] if last else []
        return union_all(whole, days.where(or_(*edges))).subquery("rows")


#: a rollup row (`cells`): one budget's net spend in one month, category, stream, provider and unit,
#: real or trial, recorded or declared
CELL_KEY = ("budget_id", "month", "category", "stream", "provider", "unit", "trial", "side")
REAL_CELL = "real"
#: what a fact adds to its cell (SQL over the inserted row, `NEW`); no unit is '' in the key
CELL_OF_FACT = {
    "budget_id": "NEW.budget_id",
    "month": "NEW.month",
    "category": "NEW.category",
    "stream": "NEW.stream",
    "provider": "NEW.provider",
    "unit": "COALESCE(NEW.unit, '')",
    "trial": f"CASE WHEN NEW.trial_id = '' THEN '{REAL_CELL}' ELSE 'trial' END",
    "side": f"CASE WHEN NEW.kind IN ('{DECLARED}', '{WITHDRAWN}') THEN 'declared' ELSE 'recorded' END",
    "family_ref": "NEW.family_ref",
    "cohort": "NEW.cohort",
    "management": "NEW.management",
    "amount": "NEW.amount",
    "units": "COALESCE(NEW.units, 0)",
}
#: the columns an analytics question reads, from the rollup or the facts alike
SOURCE = (*GROUP_KEYS, "budget_id", "family_ref", "unit", "amount", "units")
#: the columns a fact adds into its rollup rows
SUMMED = ("amount", "units")
#: a `totals` row: every fact's net spend in one group of all the keys (and unit, real or trial,
#: recorded or declared), whichever budget; cohort is in the key as `cohort_key` ('-' for none,
#: else '+' and the cohort), since a unique index would not match two rows without a cohort
TOTAL_KEY = (*(k for k in CELL_KEY if k != "budget_id"), "management", "cohort_key")
TOTAL_OF_FACT = {
    **{k: v for k, v in CELL_OF_FACT.items() if k in TOTAL_KEY or k in ("cohort", "amount", "units")},
    "cohort_key": "COALESCE('+' || NEW.cohort, '-')",
}
#: the columns a question's sums read
TOTAL_SOURCE = (*GROUP_KEYS, "unit", "amount", "units")


def _month(day: date | None) -> str | None:
    return day.isoformat()[:7] if day else None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_before(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def _sums(source: Any, columns: list[Any], *leading: Any) -> Any:
    """Net amount and units of `source` per group (`columns`) and unit, after any `leading` columns."""
    return select(
        *leading,
        *columns,
        source.c.unit,
        func.sum(source.c.amount).label("amount"),
        func.sum(source.c.units).label("units"),
    ).group_by(*columns, source.c.unit)


def _facts_asked_for(
    query: Any,
    f: Any,
    date_from: date | None,
    date_to: date | None,
    cohort: str | None,
    include_trials: bool,
    basis: str,
) -> Any:
    """The facts an analytics question covers (the days of months it covers only in part)."""
    if date_from:
        query = query.where(f.c.service_date >= date_from.isoformat())
    if date_to:
        query = query.where(f.c.service_date <= date_to.isoformat())
    if cohort is not None:
        query = query.where(f.c.cohort == cohort)
    if not include_trials:
        query = query.where(f.c.trial_id == literal(REAL))
    return on_basis(query, f, basis)


def _answer(rows: list[dict[str, Any]], keys: list[str]) -> dict[str, Any]:
    """The answer from rows of (keys, unit, net pence, net hundredths)."""
    groups = _fold_rows([{**row, "unit": row["unit"] or None} for row in rows], keys)
    ordered = sorted(groups, key=_sort_key)
    shares = _shares(ordered, groups)
    return {
        "groups": [_present(keys, key, groups[key], shares[key]) for key in ordered],
        "total": from_pence(sum(g["amount"] for g in groups.values())),
    }


def _fold_rows(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Per group: net pence, and per unit its net hundredths and the pence spent on it."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(tuple(row[k] for k in keys), {"amount": 0, "units": {}, "costs": {}})
        amount, units = int(row["amount"]), int(row["units"] or 0)
        group["amount"] += amount
        if row["unit"] is not None and units:
            group["units"][row["unit"]] = units
            group["costs"][row["unit"]] = amount
    return {key: group for key, group in groups.items() if group["amount"]}


def _shares(
    ordered: list[tuple[Any, ...]], groups: dict[tuple[Any, ...], dict[str, Any]]
) -> dict[tuple[Any, ...], Decimal]:
    partitions: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key in ordered:
        partitions.setdefault(key[:-1], []).append(key)
    shares: dict[tuple[Any, ...], Decimal] = {}
    for members in partitions.values():
        amounts = [groups[k]["amount"] for k in members]
        shares.update(zip(members, largest_remainder_shares(amounts), strict=True))
    return shares


def _present(keys: list[str], key: tuple[Any, ...], group: dict[str, Any], share: Decimal) -> dict[str, Any]:
    units, costs = group["units"], group["costs"]
    return {
        **dict(zip(keys, key, strict=True)),
        "amount": from_pence(group["amount"]),
        "units": {unit: from_pence(units[unit]) for unit in sorted(units)},
        "share": share,
        "unit_costs": unit_costs(units, costs),
    }


class SQLiteSpendingView(SpendingQueries, SQLiteReadView):
    pass


class PostgresSpendingView(SpendingQueries, PostgresReadView):
    pass
