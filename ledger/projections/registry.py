"""The read models the ledger keeps, and how each is configured on each store.

A read model's `shape` is the version of its tables. Tables that exist are never
altered in place: a new shape names a new set of tables (`spending_s2_g1`) for
the same generation number, filled from the event store by the same catch-up as
a rebuild (`ledger migrate` does it before the servers start; a server started
without it fills them itself, reporting its lag until it has caught up). The old
shape's tables stay as they were, so processes still running the old code keep
answering from them; drop them by hand once none does, as after a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from ledger.projections.balances import BalancesProjection, PostgresBalancesView, SQLiteBalancesView
from ledger.projections.monitoring import MonitoringProjection, PostgresMonitoringView, SQLiteMonitoringView
from ledger.projections.plans import PlansProjection, PostgresPlansView, SQLitePlansView
from ledger.projections.polling import PollingSQLiteApplicationRecorder
from ledger.projections.portfolio import PortfolioProjection, PostgresPortfolioView, SQLitePortfolioView
from ledger.projections.providers import PostgresProvidersView, ProvidersProjection, SQLiteProvidersView
from ledger.projections.spending import PostgresSpendingView, SpendingProjection, SQLiteSpendingView
from ledger.projections.surplus import PostgresSurplusView, SQLiteSurplusView, SurplusProjection
from ledger.projections.view import ReadView
from ledger.store import persistence_env


@dataclass(frozen=True)
class ReadModel:
    name: str
    projection: type[Projection[Any]]
    sqlite_view: type[ReadView]
    postgres_view: type[ReadView]
    #: the version of the read model's tables; raise it whenever their columns change
    shape: int = 1

    def projection_class(self, generation: int) -> type[Projection[Any]]:
        """The projection under its generation's name (which names its tables and settings)."""
        name = generation_name(self.name, generation)
        return type(f"{self.projection.__name__}G{generation}", (self.projection,), {"name": name})

    def view_class(self, url: str) -> type[ReadView]:
        return self.sqlite_view if is_sqlite(url) else self.postgres_view


def generation_name(name: str, generation: int) -> str:
    """Names a generation's tables, settings and tracking; shapes after the first are in the name."""
    model = READ_MODELS.get(name)
    shape = model.shape if model else 1
    return f"{name}_g{generation}" if shape == 1 else f"{name}_s{shape}_g{generation}"


READ_MODELS: dict[str, ReadModel] = {
    m.name: m
    for m in (
        # shape 2 (issue 10): budgets gained `committed`
        ReadModel("balances", BalancesProjection, SQLiteBalancesView, PostgresBalancesView, shape=2),
        # shape 2 (issue 10): facts gained `provider`; shape 3 (issue 15): the `cells` rollup;
        # shape 4 (issue 15): the `totals` rollup
        ReadModel("spending", SpendingProjection, SQLiteSpendingView, PostgresSpendingView, shape=4),
        ReadModel("monitoring", MonitoringProjection, SQLiteMonitoringView, PostgresMonitoringView),
        # shape 2 (issue 15): spends by stream rolled up per budget and stream
        ReadModel("portfolio", PortfolioProjection, SQLitePortfolioView, PostgresPortfolioView, shape=2),
        ReadModel("surplus", SurplusProjection, SQLiteSurplusView, PostgresSurplusView),
        ReadModel("plans", PlansProjection, SQLitePlansView, PostgresPlansView),
        ReadModel("providers", ProvidersProjection, SQLiteProvidersView, PostgresProvidersView),
    )
}


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def upstream_env(url: str) -> dict[str, str]:
    """Settings for the ledger application a projection runner subscribes to."""
    env = {**persistence_env(url), "LEDGER_DATABASE_URL": url}
    if is_sqlite(url):
        env["APPLICATION_RECORDER_TOPIC"] = get_topic(PollingSQLiteApplicationRecorder)
    else:
        # one writer thread per runner: a small pool, so four read models in each of a
        # few processes stay well inside PostgreSQL's default of 100 connections
        env.update(POSTGRES_POOL_SIZE="1", POSTGRES_MAX_OVERFLOW="2")
    return env


def view_env(url: str, name: str, generation: int) -> dict[str, str]:
    """Settings for one generation of one read model's view (tables and tracking)."""
    env = upstream_env(url)
    stem = generation_name(name, generation)
    prefix = stem.upper()
    if is_sqlite(url):
        db = env["SQLITE_DBNAME"]
        suffix = "." + stem.replace("_", ".")  # ledger.spending.s2.g1.db (read model names hold no "_")
        path = db if db == ":memory:" else str(Path(db).with_suffix(f"{suffix}.db"))
        env[f"{prefix}_SQLITE_DBNAME"] = path
    return env
