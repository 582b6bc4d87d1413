"""Is this process fit to serve: the store answers and the read models are close behind it.

`readiness` asks the event store for its head and each read model for its
position; any failure (the store away, a view's database away) means not ready.
`ProcessGauges` is a Prometheus collector reading the same figures at scrape
time, plus the connection pools' use, so a scrape never shows stale numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService

log = logging.getLogger(__name__)

LAG, LAG_HELP = "ledger_read_model_lag_events", "Events recorded but not yet applied"
POOLS, POOLS_HELP = "ledger_pool_connections", "Connections of each PostgreSQL pool, by state"


@dataclass
class Readiness:
    ready: bool
    store: str  # "ok" or the one-line reason it is not
    lag: dict[str, int] = field(default_factory=dict)  # read model -> events behind the store

    def as_json(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not ready", "store": self.store, "lag": self.lag}


def readiness(service: LedgerService, read_side: ReadSide, max_lag: int) -> Readiness:
    try:
        head = service.recorder.max_notification_id() or 0
    except Exception as e:
        return Readiness(False, f"unreachable: {type(e).__name__}")
    try:
        lag = {m.name: max(0, head - read_side.position(m.name)) for m in read_side.models}
    except Exception as e:
        return Readiness(False, f"read models unreachable: {type(e).__name__}")
    return Readiness(all(v <= max_lag for v in lag.values()), "ok", lag)


def pool_stats(app: Any) -> dict[str, int] | None:
    """psycopg_pool's figures for an application's or view's pool (None on SQLite)."""
    datastore = getattr(getattr(app, "factory", app), "datastore", None)
    pool = getattr(datastore, "pool", None)
    return pool.get_stats() if pool is not None and hasattr(pool, "get_stats") else None


class ProcessGauges(Collector):
    """Read-model lag and pool use, read when scraped."""

    def __init__(self, service: LedgerService, read_side: ReadSide) -> None:
        self.service = service
        self.read_side = read_side

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The metrics' names without their values: without it, registering the collector
        collects once to learn them, opening every read model (2.4 s of a PostgreSQL set-up)."""
        yield GaugeMetricFamily(LAG, LAG_HELP, labels=["read_model"])
        yield GaugeMetricFamily(POOLS, POOLS_HELP, labels=["pool", "state"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily(LAG, LAG_HELP, labels=["read_model"])
        try:
            head = self.service.recorder.max_notification_id() or 0
            for model in self.read_side.models:
                lag.add_metric([model.name], max(0, head - self.read_side.position(model.name)))
        except Exception:
            log.debug("read-model lag unavailable while the store is away")
        yield lag
        pools = GaugeMetricFamily(POOLS, POOLS_HELP, labels=["pool", "state"])
        for name, owner in [("ledger", self.service), *self.read_side.pools()]:
            stats = pool_stats(owner)
            if stats:
                pools.add_metric([name, "open"], stats.get("pool_size", 0))
                pools.add_metric([name, "idle"], stats.get("pool_available", 0))
                pools.add_metric([name, "max"], stats.get("pool_max", 0))
                pools.add_metric([name, "waiting"], stats.get("requests_waiting", 0))
        yield pools
