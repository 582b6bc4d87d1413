"""The read models the ledger keeps, and how each is configured on each store."""

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

    def projection_class(self, generation: int) -> type[Projection[Any]]:
        """The projection under its generation's name (which names its tables and settings)."""
        name = generation_name(self.name, generation)
        return type(f"{self.projection.__name__}G{generation}", (self.projection,), {"name": name})

    def view_class(self, url: str) -> type[ReadView]:
        return self.sqlite_view if is_sqlite(url) else self.postgres_view


def generation_name(name: str, generation: int) -> str:
    return f"{name}_g{generation}"


READ_MODELS: dict[str, ReadModel] = {
    m.name: m
    for m in (
        ReadModel("balances", BalancesProjection, SQLiteBalancesView, PostgresBalancesView),
        ReadModel("spending", SpendingProjection, SQLiteSpendingView, PostgresSpendingView),
        ReadModel("monitoring", MonitoringProjection, SQLiteMonitoringView, PostgresMonitoringView),
        ReadModel("portfolio", PortfolioProjection, SQLitePortfolioView, PostgresPortfolioView),
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
    prefix = generation_name(name, generation).upper()
    if is_sqlite(url):
        db = env["SQLITE_DBNAME"]
        path = db if db == ":memory:" else str(Path(db).with_suffix(f".{name}.g{generation}.db"))
        env[f"{prefix}_SQLITE_DBNAME"] = path
    return env
