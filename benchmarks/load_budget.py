"""Loading one budget of 10,000 events: from snapshots, by folding every event, and raw.

    .venv/bin/python -m benchmarks.load_budget [--quick] [--store sqlite|postgres|both]

The budget is opened, funded and given spends until it has 10,000 events, saved
through the application in batches of 500 so that the application's own
snapshotting (`snapshotting_intervals`, every 100 events) takes every snapshot it
would take in service. Then each way of reading it is timed (the median of 5 runs):

- raw SELECT, the baseline: the same 10,000 stored rows fetched with the driver, nothing decoded;
- `LedgerService.load`: the latest snapshot (at version 10,000) and the events after it (none);
- the same at version 9,999: the worst point, the snapshot before it (at 9,000: `ledger.snapshots`
  spaces them out as a budget grows) and the 999 events after it;
- `LedgerService.load` on an application with snapshotting disabled
  (`IS_SNAPSHOTTING_ENABLED=n`): every event decoded and applied;
- a hand fold: `agg = None; for e in service.events.get(id): agg = e.mutate(agg)`.

A budget keeps every spend in its state, so the snapshot of a budget with 10,000
events is itself large: snapshots save replaying events, not decoding the state.

Sizes: 10,000 events and 5 runs by default; 1,000 events and 3 runs with `--quick`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID, uuid4

from benchmarks._common import Store, median_seconds, options, stores
from benchmarks.report import Section
from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.aggregates.spending import SpendRequest
from ledger.settings import Settings
from ledger.use_cases import LedgerService

FULL, QUICK = (10_000, 5), (1_000, 3)  # events, runs
CASEWORKER = Actor("cw-bench", "caseworker")
BATCH = 500


def build(service: LedgerService, events: int) -> UUID:
    """A budget with exactly `events` events: opened, allocated, one release, then spends."""
    budget: Budget = Budget.open(
        CASEWORKER,
        reference=f"BENCH-{uuid4().hex[:12]}",
        family_ref="FAM-BENCH",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        management="direct_payment",
    )
    budget.decide_allocation(CASEWORKER, {"social_care": Decimal("900000.00")}, "benchmark")
    budget.schedule_instalment(CASEWORKER, Decimal("900000.00"), date(2026, 4, 1), False)
    budget.release_instalment(CASEWORKER, 1)
    for i in range(events - 4):
        request = SpendRequest(
            Decimal(f"{10 + i % 50}.25"),
            "personal_assistant",
            "PA",
            date(2026, 4, 1) + timedelta(days=i % 365),
            "support",
            Decimal(3),
            "hours",
        )
        budget.record_spend(CASEWORKER, f"s{i}", request)
        if len(budget.pending_events) >= BATCH:
            service.save(budget)
    service.save(budget)
    return budget.id


def raw_select(conn: Any, store: Store, service: LedgerService, budget_id: UUID) -> Callable[[], list[Any]]:
    """The baseline: on an open connection (the ledger reads through its own pool)."""
    table = service.recorder.events_table_name  # type: ignore[attr-defined]
    key: Any = budget_id.hex if store.name == "sqlite" else budget_id  # as each recorder stores it
    query = (
        f"SELECT originator_version, topic, state FROM {table} "
        f"WHERE originator_id = {store.param} ORDER BY originator_version"
    )
    return lambda: list(conn.execute(query, (key,)).fetchall())


def fold(service: LedgerService, budget_id: UUID) -> object:
    aggregate: Any = None
    for event in service.events.get(budget_id):
        aggregate = cast(Any, event).mutate(aggregate)
    return aggregate


def measure(store: Store, events: int, runs: int) -> list[list[object]]:
    cold = Settings(aggregate_cache_maxsize=0)  # a load from the store, not a copy from the cache
    service = LedgerService(url=store.url, settings=cold)
    no_snapshots = LedgerService(url=store.url, env={"IS_SNAPSHOTTING_ENABLED": "n"}, settings=cold)
    conn = store.connect()
    try:
        budget_id = build(service, events)
        select = raw_select(conn, store, service, budget_id)
        if len(select()) != events:
            raise RuntimeError("the raw SELECT does not read the budget's rows")
        ways: list[tuple[str, Callable[[], object]]] = [
            ("raw SELECT of the rows", select),
            ("load, latest snapshot", lambda: service.load(budget_id)),
            ("load, just before the last snapshot", lambda: service.load(budget_id, version=events - 1)),
            ("load, snapshotting disabled", lambda: no_snapshots.load(budget_id)),
            ("fold every event by hand", lambda: fold(service, budget_id)),
        ]
        timings = [(name, median_seconds(way, runs)) for name, way in ways]
    finally:
        conn.close()
        no_snapshots.close()
        service.close()
    baseline = timings[0][1]
    return [[store.name, name, events, f"{t * 1000:,.1f}", f"{t / baseline:.1f}x"] for name, t in timings]


def section(quick: bool, which: str) -> Section:
    events, runs = QUICK if quick else FULL
    result = Section(
        "load_budget",
        f"Loading one budget of {events:,} events (median of {runs} runs; ratio to the raw SELECT)",
        ["store", "how", "events", "ms", "vs raw"],
    )
    for make_store in stores(which):
        with make_store() as store:
            result.rows.extend(measure(store, events, runs))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    section(args.quick, args.store).print()


if __name__ == "__main__":
    main()
