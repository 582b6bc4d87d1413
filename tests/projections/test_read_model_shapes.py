"""A store whose read model was made with an older table shape gets the new shape's tables, full.

Tables are never altered in place: the spending read model's facts gained a
`provider` column (shape 2), so a store whose live generation holds the first
shape's tables gets a second set beside them, filled from the event store by
`ledger migrate`; the old tables are left as they were for processes still
running the old code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.utils import Environment
from sqlalchemy import BigInteger, Column, MetaData, Table, Text, bindparam, insert, select
from sqlalchemy.sql.expression import Executable

from ledger.aggregates.spending import SpendRequest
from ledger.ops.migrate import migrate
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS, is_sqlite, upstream_env
from ledger.projections.spending import PostgresSpendingView, SQLiteSpendingView
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER

OLD_COLUMNS = ("budget_id", "spend_id", "kind", "trial_id", "category", "stream", "management", "month")


class FirstShape:
    """The spending facts as the first shape made them: no provider column."""

    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.facts = Table(
            f"{prefix}facts",
            metadata,
            *(Column(name, Text, nullable=False) for name in OLD_COLUMNS),
            Column("service_date", Text, nullable=False),
            Column("amount", BigInteger, nullable=False),
        )

    def statements(self) -> Mapping[str, Executable]:
        return {
            "fact": insert(self.facts).values(
                {c: bindparam(c) for c in (*OLD_COLUMNS, "service_date", "amount")}
            )
        }


class OldSQLite(FirstShape, SQLiteSpendingView):
    pass


class OldPostgres(FirstShape, PostgresSpendingView):
    pass


def old_view(url: str) -> Any:
    """Generation 1 of spending as the old code named it (`spending_g1`), with its old tables."""
    env = upstream_env(url)
    if is_sqlite(url):
        env["SPENDING_G1_SQLITE_DBNAME"] = env["SQLITE_DBNAME"].removesuffix(".db") + ".spending.g1.db"
    factory = InfrastructureFactory[Any].construct(env=Environment("spending_g1", env))
    return factory.tracking_recorder(OldSQLite if is_sqlite(url) else OldPostgres)


def columns_of(view: Any) -> list[str]:
    rows = view.select(select(view.facts).limit(1))
    return list(rows[0]) if rows else [c.name for c in view.facts.c]


def test_a_store_made_with_the_old_shape_gets_the_provider_column_filled_by_migrate(
    store_url: str, ledger: LedgerService
) -> None:
    assert READ_MODELS["spending"].shape >= 2
    budget_id = open_funded_budget(ledger)
    request = SpendRequest(Decimal("40.00"), "equipment", "Shop", date(2026, 5, 1), "bike")
    ledger.record_spend(CASEWORKER, budget_id, request, idempotency_key="a")
    head = ledger.recorder.max_notification_id() or 0
    old = old_view(store_url)
    try:  # the old code had this spend as a fact and was caught up to the head
        fact = dict.fromkeys(OLD_COLUMNS, "x") | {"service_date": "2026-05-01", "amount": 4000}
        old.apply([("fact", fact)], Tracking(ledger.name, head))
        assert "provider" not in columns_of(old)

        made = migrate(Settings(database_url=store_url))
        assert "spending" in made
        side = ReadSide(store_url, ["spending"])
        try:
            assert side.position("spending") == head  # full before any server answers from it
            view = side.view("spending")
            assert "provider" in [c.name for c in view.facts.c]
            answer = view.spending(["provider"])
            assert [(g["provider"], g["amount"]) for g in answer["groups"]] == [
                ("unregistered", Decimal("40.00"))
            ]
        finally:
            side.stop()
        # the old shape's tables are untouched, for processes still running the old code
        assert "provider" not in columns_of(old) and old.position() == head
        assert len(old.select(select(old.facts))) == 1
    finally:
        old.datastore.close()
