"""One spend on budgets of 10, 1,000 and 10,000 earlier events, with and without the aggregate cache.

    .venv/bin/python -m benchmarks.spend_history [--quick] [--store sqlite|postgres|both]

Each budget is built through the application's own saves (`load_budget.build`,
snapshots every 100 events as in service), then timed: the median of 20 single
spends through `LedgerService.record_spend` (authorise, load, check, save), taken
in turns across the budgets so that a change in the machine's load (other work
on a shared machine) falls on every size alike. Three
applications on the same store: the library's aggregate cache on (the default,
which deep-copies the cached budget for each command), the cache on without the
deep copy (measured only: see the README for why it stays on), and the cache off
(each command loads the latest snapshot and the events after it). The baseline is
the same application's spend on the 10-event budget: the issue's target is at most
1.5x at 10,000 events.

Sizes: 10, 1,000 and 10,000 events; 10, 100 and 1,000 with `--quick`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from benchmarks._common import Store, options, stores
from benchmarks.load_budget import CASEWORKER, build
from benchmarks.report import Section
from ledger.aggregates.spending import SpendRequest
from ledger.settings import Settings
from ledger.use_cases import LedgerService

FULL, QUICK = (10, 1_000, 10_000), (10, 100, 1_000)
SPENDS = 20
REQUEST = SpendRequest(
    Decimal("12.34"), "personal_assistant", "PA", date(2026, 6, 1), "one more", Decimal(1), "hours"
)
WAYS: tuple[tuple[str, dict[str, str], int], ...] = (
    ("cache on (library default, deep copy)", {}, 1000),
    ("cache on, no deep copy", {"DEEPCOPY_FROM_AGGREGATE_CACHE": "n"}, 1000),
    ("cache off", {}, 0),
)


def spend_ms(service: LedgerService, budgets: dict[int, UUID], tag: str) -> dict[int, float]:
    """Median milliseconds of one spend per budget size, the sizes taken in turns; the first
    spend on each (which fills the cache) is not counted."""
    timings: dict[int, list[float]] = {n: [] for n in budgets}
    for n, budget_id in budgets.items():
        service.record_spend(CASEWORKER, budget_id, REQUEST, f"{tag}{n}-warm")
    for i in range(SPENDS):
        for n, budget_id in budgets.items():
            started = time.perf_counter()
            service.record_spend(CASEWORKER, budget_id, REQUEST, f"{tag}{n}-{i}")
            timings[n].append(time.perf_counter() - started)
    return {n: statistics.median(t) * 1000 for n, t in timings.items()}


def measure(store: Store, sizes: Sequence[int]) -> list[list[object]]:
    builder = LedgerService(url=store.url)
    try:
        budgets = {n: build(builder, n) for n in sizes}
    finally:
        builder.close()
    rows: list[list[object]] = []
    for way, env, maxsize in WAYS:
        service = LedgerService(url=store.url, env=env, settings=Settings(aggregate_cache_maxsize=maxsize))
        try:
            timings = spend_ms(service, budgets, way[:9])
        finally:
            service.close()
        base = timings[sizes[0]]
        rows.extend(
            [store.name, way, f"{n:,}", f"{ms:.2f}", f"{ms / base:.2f}x"] for n, ms in timings.items()
        )
    return rows


def section(quick: bool, which: str) -> Section:
    sizes = QUICK if quick else FULL
    result = Section(
        "spend_history",
        f"One spend on a budget of {', '.join(f'{n:,}' for n in sizes)} earlier events "
        f"(median of {SPENDS}; ratio to the same application's spend on the {sizes[0]}-event budget)",
        ["store", "application", "earlier events", "ms per spend", f"vs {sizes[0]} events"],
    )
    for make_store in stores(which):
        with make_store() as store:
            result.rows.extend(measure(store, sizes))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    section(args.quick, args.store).print()


if __name__ == "__main__":
    main()
