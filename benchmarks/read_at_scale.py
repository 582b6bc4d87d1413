"""Analytics and paged lists on a large ledger (p50, p99), and each read model's rebuild: speed and memory.

    .venv/bin/python -m benchmarks.read_at_scale [--quick] [--events N] [--store sqlite|postgres]

The ledger is seeded in bulk (`benchmarks.bulk_ledger`: one budget of 100 real
events cloned under fresh ids, chains rehashed), so N events are N / 100 budgets;
the issue's national figure is 5,000,000 events over 100,000 budgets (50 each).
Then, in the same run:

- each read model is rebuilt from zero in a process of its own, as `ledger
  projections rebuild NAME` does (`benchmarks.rebuild_child`), then all of them
  in one pass over the log (as `ledger projections rebuild` does), timed against
  the baseline of a raw read of the same notifications (`select_notifications`),
  with each process's peak resident memory (`ru_maxrss` from `wait4`); beside
  them, reading and decoding the events with the library's mapper and nothing
  else, the most any rebuild could reach;
- the read routes are asked `REPEATS` times each through the ASGI app with a
  caseworker's key (authentication, the read model's SQL, the JSON answer), against
  the baseline of `GET /health/live` through the same client: p50 and p99.

Sizes: 1,000,000 events by default (`--events`); 20,000 with `--quick`. `--one-pass`
skips the rebuilds one read model at a time (the routes need only the one pass).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from benchmarks._common import PG_URL
from benchmarks.bulk_ledger import PER_BUDGET, bulk_seed
from benchmarks.projection_rebuild import raw_read_rate
from benchmarks.report import Section, machine, write_json
from ledger.keys import create_key
from ledger.projections.kept import KeptAnswers
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS
from ledger.use_cases import LedgerService

FULL, QUICK = 1_000_000, 20_000
REPEATS, QUICK_REPEATS = 100, 10
#: analytics asked as a commissioner, the rest as a caseworker
ROUTES = (
    "/v1/analytics/spending",
    "/v1/analytics/spending?group_by=category,month",
    "/v1/analytics/spending?group_by=provider",
    "/v1/analytics/portfolio",
    "/v1/analytics/monitoring",
    "/v1/analytics/surplus",
    "/v1/budgets?limit=50",
    "/v1/budgets?limit=50&cursor={cursor}",
    "/v1/budgets/{budget_id}/spends?limit=50",
)


@contextmanager
def store_url(which: str) -> Iterator[str]:
    if which == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ledger-scale-") as folder:
            yield f"sqlite:///{folder}/ledger.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def rebuild_in_a_process(url: str, names: list[str]) -> tuple[float, float, float]:
    """(rebuild seconds, process seconds, peak RSS MiB) of rebuilding `names` in a process of its own.

    The child (`benchmarks.rebuild_child`) runs what `ledger projections rebuild` runs
    and times the rebuild itself; the process seconds add the interpreter's start.
    """
    env = {**os.environ, "LEDGER_DATABASE_URL": url}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.rebuild_child", ",".join(names)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert child.stdout is not None
        out = child.stdout.read()  # to its end, then reap it ourselves for its resource usage
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if child.returncode:
            errors.seek(0)
            raise RuntimeError(f"rebuild {names} failed: {errors.read().decode()}")
    return float(json.loads(out)["seconds"]), elapsed, usage.ru_maxrss / 1024


def decode_rate(service: LedgerService, total: int) -> float:
    """Events per second read and decoded by the library's mapper and nothing else: a rebuild's cap."""
    started, start = time.perf_counter(), 0
    while True:
        batch = service.recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for notification in batch:
            service.mapper.to_domain_event(notification)
        start = batch[-1].id
    return total / (time.perf_counter() - started)


def percentiles(call: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """(p50, p99) in ms of `repeats` calls after one uncounted call (which fills caches)."""
    call()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]


def route_rows(service: LedgerService, url_kind: str, repeats: int) -> list[list[object]]:
    from api.app import create_app  # the app imports the whole API: only when measuring

    keys = {role: create_key(service, role, "scale-bench")[1] for role in ("caseworker", "commissioner")}
    app = create_app(service=service, run_projections=False)
    rows: list[list[object]] = []
    with TestClient(app, headers={"Authorization": f"Bearer {keys['caseworker']}"}) as client:
        first = client.get("/v1/budgets?limit=50")
        first.raise_for_status()
        page = first.json()
        fill = {"cursor": page.get("next_cursor") or "", "budget_id": page["items"][0]["id"]}
        base50, base99 = percentiles(lambda: client.get("/health/live").raise_for_status(), repeats)
        rows.append([url_kind, "GET /health/live (baseline)", f"{base50:.1f}", f"{base99:.1f}", "1x"])
        for route in ROUTES:
            path = route.format(**fill)

            role = "commissioner" if "analytics" in path else "caseworker"
            auth = {"Authorization": f"Bearer {keys[role]}"}

            def ask(path: str = path, auth: dict[str, str] = auth) -> None:
                client.get(path, headers=auth).raise_for_status()

            if "analytics" in path:  # a question asked afresh each time, then the same question kept
                with answers_not_kept():
                    p50, p99 = percentiles(ask, repeats)
                rows.append(
                    [url_kind, f"GET {route} (fresh)", f"{p50:.1f}", f"{p99:.1f}", f"{p50 / base50:.0f}x"]
                )
                route = f"{route} (kept)"
            p50, p99 = percentiles(ask, repeats)
            rows.append([url_kind, f"GET {route}", f"{p50:.1f}", f"{p99:.1f}", f"{p50 / base50:.0f}x"])
    return rows


@contextmanager
def answers_not_kept() -> Iterator[None]:
    """Every analytics question computed afresh: a new question's cost, the position read included."""
    keeping = KeptAnswers.answer

    def afresh(_: KeptAnswers, position: Callable[[], int], question: object, ask: Callable[[], Any]) -> Any:
        position()
        return ask()

    KeptAnswers.answer = afresh  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        KeptAnswers.answer = keeping  # type: ignore[method-assign]


def store_rows(url: str, which: str, repeats: int) -> list[list[object]]:
    """Where a spending answer's time goes, asked of the read model directly (no HTTP, no JSON).

    The sums alone (`spending`) against the sums and the families behind each group
    (`spending_and_families`, what a commissioner's answer needs for small-number
    suppression): the difference is the cost of counting families.
    """
    read_side = ReadSide(url, ["spending"])
    view: Any = read_side.view("spending")
    rows: list[list[object]] = []
    try:
        for keys in ([], ["category"], ["category", "month"], ["provider"]):
            label = ",".join(keys) or "no grouping"
            with answers_not_kept():
                sums50, sums99 = percentiles(partial(view.spending, keys), repeats)
                both50, both99 = percentiles(partial(view.spending_and_families, keys), repeats)
            rows.append(
                [which, f"spending by {label}: sums only (baseline)", f"{sums50:.1f}", f"{sums99:.1f}", "1x"]
            )
            rows.append(
                [which, f"spending by {label}: sums and families", f"{both50:.1f}", f"{both99:.1f}",
                 f"{both50 / sums50:.1f}x"]
            )  # fmt: skip
    finally:
        read_side.stop()
    return rows


def measure(
    which: str, events: int, repeats: int, one_pass: bool = False, per_budget: int = PER_BUDGET
) -> tuple[Section, Section]:
    rebuilds = Section(
        "read_at_scale.rebuild",
        f"Rebuilding each read model from zero at {events:,} events ({which}), each in its own "
        "process (ratio to a raw read of the same notifications)",
        ["store", "work", "events/s", "seconds", "process seconds", "peak RSS MiB", "vs raw read"],
    )
    reads = Section(
        "read_at_scale.routes",
        f"Read routes at {events:,} events over {events // per_budget:,} budgets ({which}; "
        f"{repeats} requests each; ratio of p50 to the baseline's p50; the target is p99 under 100 ms)",
        ["store", "request", "p50 ms", "p99 ms", "p50 vs baseline"],
    )
    with store_url(which) as url:
        service = LedgerService(url=url)
        try:
            seeded = bulk_seed(service, events, per_budget)
            head = service.recorder.max_notification_id() or 0
            rebuilds.notes.append(f"seeded {head:,} events in {seeded:.0f} s through the bulk path")
            raw = raw_read_rate(service, head)
            rebuilds.add([which, "raw select_notifications (baseline)", f"{raw:,.0f}", "", "", "", "1.000x"])
            cap = decode_rate(service, head)
            rebuilds.add(
                [which, "select and decode only (a cap)", f"{cap:,.0f}", "", "", "", f"{cap / raw:.3f}x"]
            )
            work = ([] if one_pass else [[name] for name in READ_MODELS]) + [list(READ_MODELS)]
            for names in work:
                took, process, rss = rebuild_in_a_process(url, names)
                label = f"rebuild {names[0]}" if len(names) == 1 else f"rebuild all {len(names)}, one pass"
                rebuilds.add(
                    [
                        which,
                        label,
                        f"{head / took:,.0f}",
                        f"{took:.1f}",
                        f"{process:.1f}",
                        f"{rss:.0f}",
                        f"{head / took / raw:.3f}x",
                    ]
                )
            reads.rows.extend(route_rows(service, which, repeats))
            reads.rows.extend(store_rows(url, which, repeats))
            reads.notes.append(f"load average (1, 5, 15 min) after the routes: {os.getloadavg()}")
        finally:
            service.close()
    return rebuilds, reads


def routes_of(url: str, repeats: int) -> Section:
    """The read routes of a store seeded and rebuilt before (a large ledger is slow to make).

    It writes to that store: two API keys (a caseworker's and a commissioner's) each run.
    """
    service = LedgerService(url=url)
    head = service.recorder.max_notification_id() or 0
    reads = Section(
        "read_at_scale.routes",
        f"Read routes at {head:,} events (an existing store; {repeats} requests each)",
        ["store", "request", "p50 ms", "p99 ms", "p50 vs baseline"],
    )
    try:
        reads.rows.extend(route_rows(service, url.split(":")[0], repeats))
        reads.rows.extend(store_rows(url, url.split(":")[0], repeats))
    finally:
        service.close()
    return reads


def sections(
    quick: bool,
    which: str,
    events: int | None = None,
    one_pass: bool = False,
    per_budget: int = PER_BUDGET,
    repeats: int | None = None,
) -> list[Section]:
    store = "sqlite" if which == "sqlite" else "postgres"
    size = events or (QUICK if quick else FULL)
    repeats = repeats or (QUICK_REPEATS if quick else REPEATS)
    return list(measure(store, size, repeats, one_pass, per_budget))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=None, help=f"events to seed ({FULL:,} by default)")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument(
        "--one-pass", action="store_true", help="rebuild all read models in one pass only (a shorter run)"
    )
    parser.add_argument(
        "--per-budget", type=int, default=PER_BUDGET, help=f"events a budget ({PER_BUDGET}; 5M over 100k: 50)"
    )
    parser.add_argument("--repeats", type=int, default=None, help=f"requests per route ({REPEATS})")
    parser.add_argument("--json", default=None, help="also write the sections here")
    parser.add_argument(
        "--url", default=None, help="only ask the routes of this existing store (its read models built)"
    )
    args = parser.parse_args(argv)
    if args.per_budget < 5:
        parser.error("--per-budget is at least 5 (a budget's opening, allocation, instalment and release)")
    started = machine()
    if args.url:
        found = [routes_of(args.url, args.repeats or REPEATS)]
    else:
        found = sections(args.quick, args.store, args.events, args.one_pass, args.per_budget, args.repeats)
    if args.json:
        settings = {**vars(args), "url": args.url and args.url.split("@")[-1]}  # no password in the JSON
        write_json(Path(args.json), found, settings, started)
    for section in found:
        section.print()


if __name__ == "__main__":
    main()
