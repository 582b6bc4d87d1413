"""Server memory as the ledger grows: the same HTTP load on a ledger ten times larger.

    .venv/bin/python -m benchmarks.server_memory [--quick] [--store sqlite|postgres|both]

A server whose memory followed the ledger's size would run out of it as a council's
years of budgets pile up, so for each of two ledgers, one ten times the other
(100,000 and 1,000,000 events; 2,000 and 20,000 with `--quick`), bulk-seeded by
`benchmarks.bulk_ledger` into a fresh store (100 events a budget), this starts
`ledger serve` (one worker, read models off: they run in a process of their own,
whose rebuild memory `read_at_scale` measures) and sends it 16 clients' requests
that walk the budgets in turn: half record a spend, half read the budget's state as
it stands (`GET /v1/budgets/{id}/state`), so every budget touched is loaded into
the server. On the larger ledger the budgets touched outnumber the aggregate
cache (`LEDGER_AGGREGATE_CACHE_MAXSIZE`, 1,000), so the cache churns.

Printed for each size: the requests per second, the server's resident memory once it
answers (idle) and its peak during the load (VmHWM), and the peak's ratio to the
smaller ledger's peak measured in the same run (the baseline): 1.00x is flat.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import httpx

from benchmarks._common import options, stores
from benchmarks.bulk_ledger import PER_BUDGET, bulk_seed
from benchmarks.http_load import BODY as SPEND
from benchmarks.http_load import CLIENTS, LEDGER_ENV, family, free_port, peak_of, server
from benchmarks.report import Section, rss_mib
from ledger.keys import create_key
from ledger.use_cases import LedgerService

FULL = (100_000, 1_000_000)
QUICK = (2_000, 20_000)
REQUESTS, QUICK_REQUESTS = 6_000, 200
HEADERS = ["store", "events", "budgets", "touched", "req/s", "not 2xx"]
HEADERS += ["idle RSS MiB", "peak RSS MiB", "vs smaller"]


def budget_ids(service: LedgerService) -> list[uuid.UUID]:
    """The seeded budgets, read back from the log (each one's first event)."""
    ids, start = [], 0
    while batch := service.recorder.select_notifications(start=start, limit=5000, inclusive_of_start=False):
        ids += [n.originator_id for n in batch if n.originator_version == 1 and "BudgetOpened" in n.topic]
        start = batch[-1].id
    return [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in ids]


async def walk(port: int, budgets: Sequence[uuid.UUID], n: int, key: str) -> dict[str, Any]:
    """`n` requests from `CLIENTS` clients walking `budgets` in turn: a spend, then a read, on each."""
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {key}"},
        limits=limits,
        timeout=120,
    ) as client:
        statuses: list[int] = []
        latencies: list[float] = []
        queue = iter(range(n))

        async def client_loop() -> None:
            for i in queue:
                budget = budgets[(i // 2) % len(budgets)]
                started = time.perf_counter()
                if i % 2 == 0:
                    answer = await client.post(
                        f"/v1/budgets/{budget}/spends",
                        json=SPEND,
                        headers={"Idempotency-Key": f"mem-{uuid.uuid4().hex}"},
                    )
                else:
                    answer = await client.get(f"/v1/budgets/{budget}/state")
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.append(answer.status_code)

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return {
        "rate": n / elapsed,
        "p50": statistics.median(latencies),
        "refused": sum(1 for s in statuses if s >= 300),
        "statuses": sorted(set(statuses)),
    }


def measure_size(
    store_factory: Callable[[], AbstractContextManager[Any]], events: int, n: int
) -> dict[str, Any]:
    with store_factory() as store:
        service = LedgerService(url=store.url)
        try:
            seeded = bulk_seed(service, events)
            budgets = budget_ids(service)
            key = create_key(service, "caseworker", "memory-bench")[1]
        finally:
            service.close()
        env = {**LEDGER_ENV, "LEDGER_DATABASE_URL": store.url}
        port = free_port()
        command = [sys.executable, "-m", "ledger.cli", "serve", "--port", str(port), "--workers", "1"]
        with server(command, env, port) as process:
            idle = sum(rss_mib(p) or 0.0 for p in family(process.pid))
            got = asyncio.run(walk(port, budgets, n, key))
            peak = peak_of(process.pid)
        touched = min(len(budgets), (n + 1) // 2)
        return {
            "store": store.name,
            "events": events,
            "budgets": len(budgets),
            "touched": touched,
            "seeded_s": seeded,
            "idle": idle,
            "peak": peak,
            **got,
        }


def measure(quick: bool, which: str) -> Section:
    sizes, n = (QUICK, QUICK_REQUESTS) if quick else (FULL, REQUESTS)
    section = Section(
        "server_memory",
        f"Server memory as the ledger grows: {n:,} requests from {CLIENTS} clients (half spends, half "
        f"state reads) walking the budgets, on ledgers of {sizes[0]:,} and {sizes[1]:,} events "
        "(ratio: peak RSS against the smaller ledger's, same store and run)",
        HEADERS,
    )
    for factory in stores(which):
        results = [measure_size(factory, events, n) for events in sizes]
        base = results[0]["peak"]
        for r in results:
            section.rows.append(
                [
                    r["store"],
                    f"{r['events']:,}",
                    f"{r['budgets']:,}",
                    f"{r['touched']:,}",
                    f"{r['rate']:,.0f}",
                    r["refused"],
                    f"{r['idle']:.0f}",
                    f"{r['peak']:.0f}",
                    f"{r['peak'] / base:.2f}x",
                ]
            )
            section.notes.append(
                f"{r['store']} {r['events']:,} events: seeded in {r['seeded_s']:.0f} s; "
                f"answers {r['statuses']}; p50 {r['p50']:.0f} ms"
            )
    section.notes.append(f"{PER_BUDGET} events a budget; the aggregate cache holds 1,000 budgets")
    return section


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    measure(args.quick, args.store).print()


if __name__ == "__main__":
    main()
