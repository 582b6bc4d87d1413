"""HTTP: 16 concurrent clients POSTing spends, the ledger against a bare FastAPI route, 1 and 2 workers.

    .venv/bin/python -m benchmarks.http_load [--quick]

On PostgreSQL (a schema of its own). Both servers run under uvicorn as separate
processes with 1, then 2, worker processes: the ledger by `ledger serve --workers N`
with `LEDGER_RUN_PROJECTIONS=0` and its read models in a process of their own
(`ledger projections run`); the baseline by `uvicorn benchmarks.bare_route:app`
(validate the same body, one `INSERT` through a psycopg pool). The load is an
async `httpx` client in this process, 16 requests in flight, round 40 budgets,
each request with its own `Idempotency-Key` and a broker's key (the per-key rate
limit is raised for the run: it is a guard, not the subject). One request per
budget warms each server first and is not counted.

Printed: requests per second, p50 and p99 latency, answers that were not 2xx
(a `concurrent-update` 409 would show here), the ratio of the ledger's rate to the
bare route's with the same worker count, and each server's peak resident memory
(the sum of its processes' VmHWM) and that of the read-model process.

Sizes: 2,000 requests per server and worker count; 160 with `--quick`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks import bare_route
from benchmarks._common import PG_URL, options, postgres_store
from benchmarks.report import Section, peak_rss_mib
from benchmarks.write_spends import BROKER, BUDGETS, funded_budgets
from ledger.keys import create_key
from ledger.use_cases import LedgerService

FULL, QUICK, CLIENTS = 2000, 160, 16
BODY = {
    "amount": "12.50",
    "category": "personal_assistant",
    "provider": "PA Co",
    "service_date": "2026-05-02",
    "description": "Saturday sessions",
    "units": "2",
    "unit": "hours",
}
LEDGER_ENV = {
    "LEDGER_RUN_PROJECTIONS": "0",
    "LEDGER_RATE_LIMIT_PER_SECOND": "1000000",
    "LEDGER_RATE_LIMIT_BURST": "1000000",
    "LEDGER_LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def family(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers are the server's children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo.extend(int(c) for c in task.read_text().split())
    return found


def peak_of(pid: int) -> float:
    return sum(peak_rss_mib(p) or 0.0 for p in family(pid))


@contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    log = tempfile.TemporaryFile()  # noqa: SIM115 (not a pipe: a full pipe would stall the server)
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                err = log.read().decode(errors="replace")
                raise RuntimeError(f"{command[:4]} did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield process
    except BaseException:
        log.seek(0)
        print(log.read().decode(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def load(port: int, budgets: Sequence[uuid.UUID], n: int, key: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=60
    ) as client:

        async def post(i: int) -> tuple[float, int]:
            started = time.perf_counter()
            answer = await client.post(
                f"/v1/budgets/{budgets[i % len(budgets)]}/spends",
                json=BODY,
                headers={"Idempotency-Key": f"http-{uuid.uuid4().hex}"},
            )
            return time.perf_counter() - started, answer.status_code

        for i in range(len(budgets)):  # warm-up, one per budget, not counted
            await post(i)
        queue = iter(range(n))
        results: list[tuple[float, int]] = []

        async def client_loop() -> None:
            for i in queue:
                results.append(await post(i))

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    latencies = sorted(t * 1000 for t, _ in results)
    return {
        "rate": n / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        "refused": sum(1 for _, status in results if status >= 300),
        "statuses": sorted({status for _, status in results}),
    }


def measure(n: int, worker_counts: Sequence[int]) -> Section:
    section = Section(
        "http_load",
        f"HTTP: {CLIENTS} concurrent clients POSTing {n:,} spends over {BUDGETS} budgets (PostgreSQL; "
        "ratio of the ledger's rate to the bare route's with the same workers)",
        ["server", "workers", "req/s", "p50 ms", "p99 ms", "not 2xx", "peak RSS MiB", "vs bare"],
    )
    with postgres_store() as store:
        service = LedgerService(url=store.url)
        try:
            budgets = funded_budgets(service, BUDGETS)
            key = create_key(service, "broker", "http-bench", org=BROKER.org)[1]
        finally:
            service.close()
        with closing(store.connect()) as conn:
            conn.execute(bare_route.CREATE)
        bare_url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{store.target}"
        env = {**LEDGER_ENV, "LEDGER_DATABASE_URL": store.url, "BENCH_BARE_URL": bare_url}
        projections = [sys.executable, "-m", "ledger.cli", "projections", "run"]
        read_models = subprocess.Popen(
            projections, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for workers in worker_counts:
                port = free_port()
                bare_cmd = [sys.executable, "-m", "uvicorn", "benchmarks.bare_route:app", "--port", str(port)]
                bare_cmd += ["--workers", str(workers), "--log-level", "warning"]
                with server(bare_cmd, env, port) as bare_process:
                    bare = asyncio.run(load(port, budgets, n, key))
                    bare_rss = peak_of(bare_process.pid)
                port = free_port()
                ledger_cmd = [
                    sys.executable,
                    "-m",
                    "ledger.cli",
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                ]
                with server(ledger_cmd, env, port) as ledger_process:
                    ledger = asyncio.run(load(port, budgets, n, key))
                    ledger_rss = peak_of(ledger_process.pid)
                for name, got, rss in (
                    ("bare route (baseline)", bare, bare_rss),
                    ("ledger", ledger, ledger_rss),
                ):
                    section.rows.append(
                        [
                            name,
                            workers,
                            f"{got['rate']:,.0f}",
                            f"{got['p50']:.0f}",
                            f"{got['p99']:.0f}",
                            got["refused"],
                            f"{rss:.0f}",
                            f"{got['rate'] / bare['rate']:.2f}x",
                        ]
                    )
                section.notes.append(
                    f"{workers} worker(s): ledger p99 {ledger['p99'] / bare['p99']:.1f}x the bare route's; "
                    f"answers seen: ledger {ledger['statuses']}, bare {bare['statuses']}"
                )
            section.notes.append(f"read models' own process: peak RSS {peak_of(read_models.pid):.0f} MiB")
        finally:
            read_models.terminate()
            read_models.wait(timeout=20)
    return section


def section(quick: bool, which: str) -> Section | None:
    if which == "sqlite":
        return None  # measured on PostgreSQL only: several server processes share one store
    return measure(QUICK if quick else FULL, (1, 2))


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    result = section(args.quick, args.store)
    if result:
        result.print()


if __name__ == "__main__":
    main()
