"""Spends written through the ledger versus plain single-row INSERTs of the same rows.

    .venv/bin/python -m benchmarks.write_spends [--quick] [--store sqlite|postgres|both]

The ledger path is `LedgerService.record_spend`, one call per spend: authorise,
load the budget (its latest snapshot and the events since), check the rules, save
one event (on PostgreSQL under the library's table lock). The spends go round 40
budgets, so each budget ends with about as many events as a real one has in a
year. The baseline, measured in the same run on the same store, is an autocommit
INSERT of the same row into a plain table with the same driver (`sqlite3`,
`psycopg`): the floor that any durable single-row write pays. Both are measured
again with 16 threads (the ledger's threads share one application, as a server's
do; each raw thread has its own connection); "vs raw" compares each ledger rate
with the raw rate at the same thread count, and "saves per commit" is how many
commands' saves group commit wrote in each transaction on average. On PostgreSQL the 16 threads are also
split over two councils' stores (two schemas): the national plan's partitioning.

Sizes: 2,000 spends per measurement by default; 200 with `--quick`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from benchmarks._common import Store, options, postgres_store, seconds, stores
from benchmarks.report import Section
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.vocabulary import Category
from ledger.ops.metrics import GROUP_COMMIT_SIZE
from ledger.use_cases import LedgerService

FULL, QUICK, BUDGETS, THREADS = 2000, 200, 40, 16
CATEGORIES = tuple(Category)
CASEWORKER = Actor("cw-bench", "caseworker")
BROKER = Actor("brk-bench", "broker", org="bench-brokerage")
CREATE_RAW = (
    "CREATE TABLE {} (spend_id TEXT PRIMARY KEY, budget_id TEXT, amount TEXT, category TEXT,"
    " provider TEXT, service_date TEXT, description TEXT, units TEXT, unit TEXT)"
)


def spend_requests(n: int) -> list[SpendRequest]:
    return [
        SpendRequest(
            Decimal(f"{10 + i % 90}.{i % 100:02d}"),
            CATEGORIES[i % len(CATEGORIES)],
            "Provider",
            date(2026, 4, 1) + timedelta(days=i % 365),
            "benchmark spend",
            Decimal(2),
            "hours",
        )
        for i in range(n)
    ]


def funded_budgets(service: LedgerService, count: int) -> list[UUID]:
    ids = []
    for _ in range(count):
        budget_id = service.open_budget(
            CASEWORKER,
            reference=f"BENCH-{uuid4().hex[:12]}",
            family_ref="FAM-BENCH",
            period_start=date(2026, 4, 1),
            period_end=date(2027, 3, 31),
            management="direct_payment",
            broker_org=BROKER.org,
        ).result
        service.decide_allocation(CASEWORKER, budget_id, {"social_care": Decimal("900000.00")}, "benchmark")
        service.schedule_instalment(CASEWORKER, budget_id, Decimal("900000.00"), date(2026, 4, 1), False)
        service.release_instalment(CASEWORKER, budget_id, 1)
        ids.append(budget_id)
    return ids


def in_threads(work: Callable[[int], None], threads: int) -> float:
    """Seconds for `threads` threads to run `work(thread_number)` all together."""
    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]

    def run() -> None:
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()

    return seconds(run)


def commits_so_far() -> tuple[float, float]:
    """(transactions, saves) group commit has written in this process (`ledger.ops.group_commit`)."""
    samples = {s.name: s.value for metric in GROUP_COMMIT_SIZE.collect() for s in metric.samples}
    return samples["ledger_group_commit_saves_count"], samples["ledger_group_commit_saves_sum"]


def ledger_rate(store: Store, n: int, threads: int) -> tuple[float, float]:
    """Spends per second, and the saves each durable commit carried on average."""
    service = LedgerService(url=store.url)
    try:
        budgets, requests = funded_budgets(service, BUDGETS), spend_requests(n)
        commits, saves = commits_so_far()

        def work(t: int) -> None:
            for i in range(t, n, threads):
                service.record_spend(BROKER, budgets[i % BUDGETS], requests[i], f"k{i}")

        rate = n / in_threads(work, threads)
        commits_after, saves_after = commits_so_far()
        return rate, (saves_after - saves) / max(1.0, commits_after - commits)
    finally:
        service.close()


def raw_rate(store: Store, n: int, threads: int) -> float:
    table = f"spends_raw_{threads}"
    with closing(store.connect()) as conn:
        conn.execute(CREATE_RAW.format(table))
    budget = str(uuid4())
    rows = [
        (
            str(uuid4()),
            budget,
            str(r.amount),
            r.category,
            r.provider,
            r.service_date.isoformat(),
            r.description,
            str(r.units),
            r.unit,
        )
        for r in spend_requests(n)
    ]
    insert = f"INSERT INTO {table} VALUES ({', '.join([store.param] * 9)})"
    connections = [store.connect() for _ in range(threads)]
    try:

        def work(t: int) -> None:
            for i in range(t, n, threads):
                connections[t].execute(insert, rows[i])

        return n / in_threads(work, threads)
    finally:
        for conn in connections:
            conn.close()


def partitioned_rate(n: int, threads: int) -> float:
    """Spends/s with `threads` threads split over two councils' stores (two schemas, one server).

    The library's PostgreSQL recorder locks its events table for each write (one
    notification order per store), so one store's writers queue; a store per
    council gives each council its own table and lock: the partitioning the README's
    national plan relies on.
    """
    with postgres_store() as first, postgres_store() as second:
        services = [LedgerService(url=first.url), LedgerService(url=second.url)]
        try:
            budgets = [funded_budgets(s, BUDGETS // 2) for s in services]
            requests = spend_requests(n)

            def work(t: int) -> None:
                council = t % 2
                for i in range(t, n, threads):
                    services[council].record_spend(
                        BROKER, budgets[council][i % len(budgets[council])], requests[i], f"k{i}"
                    )

            return n / in_threads(work, threads)
        finally:
            for s in services:
                s.close()


def measure(store: Store, n: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for threads in (1, THREADS):
        raw, (ledger, per_commit) = raw_rate(store, n, threads), ledger_rate(store, n, threads)
        rows.append(
            [
                store.name,
                "raw INSERT, autocommit",
                threads,
                n,
                f"{n / raw:.2f}",
                f"{raw:,.0f}",
                "1.0",
                "1.00x",
            ]
        )
        rows.append(
            [
                store.name,
                "LedgerService.record_spend",
                threads,
                n,
                f"{n / ledger:.2f}",
                f"{ledger:,.0f}",
                f"{per_commit:.1f}",
                f"{ledger / raw:.2f}x",
            ]
        )
    if store.name == "postgres":
        split = partitioned_rate(n, THREADS)
        rows.append(
            [
                store.name,
                "record_spend, 2 councils' schemas",
                THREADS,
                n,
                f"{n / split:.2f}",
                f"{split:,.0f}",
                "",
                f"{split / raw:.2f}x",
            ]
        )
    return rows


def section(quick: bool, which: str) -> Section:
    n = QUICK if quick else FULL
    result = Section(
        "write_spends",
        "Writing spends: the ledger against raw single-row INSERTs (same run, same store)",
        ["store", "writer", "threads", "spends", "seconds", "per second", "saves per commit", "vs raw"],
    )
    for make_store in stores(which):
        with make_store() as store:
            result.rows.extend(measure(store, n))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    section(args.quick, args.store).print()


if __name__ == "__main__":
    main()
