"""Balances: one row per budget with its figures, the source of budget lists and filters.

Every Budget event carries the figures the aggregate computed after it
(`ledger.aggregates.figures`), so this read model copies them: the opening
event inserts the row, every later event overwrites the figures and the status.
No rule is restated here. The allocation per stream is copied from the
allocation events (the portfolio reads it). `committed` (what open commitments
hold; null where the budget's scheme takes none) is copied from the figures too;
it made the table's second shape (`ledger.projections.registry`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.sql.expression import Executable

from ledger.aggregates import events as ev
from ledger.aggregates.figures import Figures
from ledger.errors import InvalidInput
from ledger.projections.pence import from_pence, to_pence
from ledger.projections.view import PostgresReadView, ReadModelProjection, ReadView, SQLiteReadView, Write

MONEY = ("allocated", "scheduled", "released", "spent", "recovered", "available", "unreleased")


def figure_params(event: ev.BudgetEvent) -> dict[str, Any]:
    figures: Figures = event.figures
    return {
        "id": str(event.originator_id),
        "version": event.originator_version,
        "status": str(figures.status),
        **{f"f_{name}": to_pence(getattr(figures, name)) for name in MONEY},
        # what open commitments hold, as the budget decided it (None: its scheme takes none)
        "f_committed": to_pence(figures.committed) if figures.committed is not None else None,
    }


@singledispatch
def writes_for(event: Any, tracking: Tracking) -> list[Write]:
    if isinstance(event, ev.BudgetEvent):
        return [("figures", figure_params(event))]
    return []


@writes_for.register
def _(event: ev.BudgetOpened, tracking: Tracking) -> list[Write]:
    identity = {
        "reference": event.reference,
        "family_ref": event.family_ref,
        "period_start": event.period_start.isoformat(),
        "period_end": event.period_end.isoformat(),
        "management": str(event.management),
        "cohort": event.cohort,
        "broker_org": event.broker_org,
    }
    return [("open", {**identity, **figure_params(event), "seq": tracking.notification_id})]


@writes_for.register(ev.AllocationDecided)
@writes_for.register(ev.AllocationRevised)
def _(event: ev.AllocationDecided | ev.AllocationRevised, tracking: Tracking) -> list[Write]:
    budget_id = str(event.originator_id)
    streams = [
        ("add_stream", {"id": budget_id, "stream": stream, "amount": to_pence(amount)})
        for stream, amount in sorted(event.amounts.items())
    ]
    return [("figures", figure_params(event)), ("clear_streams", {"id": budget_id}), *streams]


class BalancesProjection(ReadModelProjection):
    name = "balances"
    writes = staticmethod(writes_for)


class BalancesQueries(ReadView):
    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.budgets = Table(
            f"{prefix}budgets",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("seq", BigInteger, nullable=False, index=True),
            Column("reference", Text, nullable=False),
            Column("family_ref", Text, nullable=False),
            Column("period_start", Text, nullable=False),
            Column("period_end", Text, nullable=False),
            Column("management", Text, nullable=False),
            Column("cohort", Text),
            Column("broker_org", Text),
            Column("status", Text, nullable=False),
            Column("version", Integer, nullable=False),
            *(Column(name, BigInteger, nullable=False) for name in MONEY),
            Column("committed", BigInteger),  # shape 2 (issue 10)
        )
        self.streams = Table(
            f"{prefix}streams",
            metadata,
            Column("budget_id", Text, primary_key=True),
            Column("stream", Text, primary_key=True),
            Column("amount", BigInteger, nullable=False),
        )

    def statements(self) -> Mapping[str, Executable]:
        b, s = self.budgets, self.streams
        figures: dict[str, Any] = {"status": bindparam("status"), "version": bindparam("version")}
        figures |= {name: bindparam(f"f_{name}") for name in (*MONEY, "committed")}
        return {
            "open": insert(b).values(
                budget_id=bindparam("id"),
                seq=bindparam("seq"),
                **{c: bindparam(c) for c in ("reference", "family_ref", "period_start", "period_end")},
                **{c: bindparam(c) for c in ("management", "cohort", "broker_org")},
                **figures,
            ),
            "figures": update(b).where(b.c.budget_id == bindparam("id")).values(**figures),
            "clear_streams": delete(s).where(s.c.budget_id == bindparam("id")),
            "add_stream": insert(s).values(
                budget_id=bindparam("id"), stream=bindparam("stream"), amount=bindparam("amount")
            ),
        }

    def list_budgets(
        self,
        *,
        cohort: str | None = None,
        status: str | None = None,
        broker_org: str | None = None,
        family_ref: str | None = None,
        reference: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of budgets in opening order; the cursor is the last row's position."""
        b = self.budgets
        filters = {
            "cohort": cohort,
            "status": status,
            "broker_org": broker_org,
            "family_ref": family_ref,
            "reference": reference,
        }
        query = select(b).where(b.c.seq > decode_cursor(cursor))
        for column, value in filters.items():
            if value is not None:
                query = query.where(b.c[column] == value)
        rows = self.select(query.order_by(b.c.seq).limit(limit + 1))
        page = [summary(r) for r in rows[:limit]]
        next_cursor = encode_cursor(rows[limit - 1]["seq"]) if len(rows) > limit else None
        return page, next_cursor


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["budget_id"],
        "reference": row["reference"],
        "family_ref": row["family_ref"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "management": row["management"],
        "cohort": row["cohort"],
        "broker_org": row["broker_org"],
        "status": row["status"],
        "version": row["version"],
        "balances": {
            **{name: from_pence(row[name]) for name in MONEY},
            "committed": from_pence(row["committed"]) if row["committed"] is not None else None,
        },
    }


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "seq":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor is not one this server gave out") from None


class SQLiteBalancesView(BalancesQueries, SQLiteReadView):
    pass


class PostgresBalancesView(BalancesQueries, PostgresReadView):
    pass
