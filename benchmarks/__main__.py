"""The whole benchmark suite: one table per measurement, each figure a ratio to a baseline of the same run.

    .venv/bin/python -m benchmarks                 # the full suite, about 30 to 60 minutes here
    .venv/bin/python -m benchmarks --quick         # every measurement at a tiny size (CI smoke)
    .venv/bin/python -m benchmarks --only http_load,spend_history --events 5000000

Writes the tables to stdout and everything (tables, sizes, the machine's load
average at the start and the end, the commit) to `benchmarks/results/latest.json`
(`--json` to change; the file is generated, so git ignores it). A section that
fails is reported in the JSON and the run goes on; the exit status says whether
any failed. PostgreSQL sections are skipped when it cannot be reached.
"""

from __future__ import annotations

import argparse
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import (
    http_load,
    ingest,
    load_budget,
    read_at_scale,
    server_memory,
    spend_history,
    write_spends,
)
from benchmarks._common import stores
from benchmarks.report import Section, machine, write_json

DEFAULT_JSON = Path(__file__).parent / "results" / "latest.json"


def _available(which: str) -> str:
    """`which` narrowed to the stores that answer ("none" if neither)."""
    names = {factory.__name__.split("_")[0] for factory in stores(which)}
    if names == {"sqlite", "postgres"}:
        return "both"
    return names.pop() if names else "none"


def suite(args: argparse.Namespace) -> dict[str, Callable[[], list[Section]]]:
    """Each measurement, by name, in the order they run (cheapest first)."""
    q, s = args.quick, args.store
    scale_store = "postgres" if s in ("both", "postgres") else "sqlite"
    return {
        "write_spends": lambda: [write_spends.section(q, s)],
        "spend_history": lambda: [spend_history.section(q, s)],
        "load_budget": lambda: [load_budget.section(q, s)],
        "ingest": lambda: [ingest.section(q, s)],
        "http_load": lambda: [x for x in [http_load.section(q, s)] if x],
        "read_at_scale": lambda: read_at_scale.sections(q, scale_store, args.events),
        "server_memory": lambda: [server_memory.measure(q, s)],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a minute or two (CI smoke)")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=None, help="events for read_at_scale (1,000,000)")
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    args = parser.parse_args(argv)
    args.store = _available(args.store)
    started = machine()
    print(f"machine at start: {started}")
    measurements = suite(args)
    chosen = [n for n in args.only.split(",") if n] or list(measurements)
    unknown = sorted(set(chosen) - set(measurements))
    if unknown:
        parser.error(f"unknown measurement {unknown[0]!r}; choose from {', '.join(measurements)}")
    done: list[Section] = []
    failed = 0
    for name in chosen if args.store != "none" else []:
        clock = time.perf_counter()
        try:
            for section in measurements[name]():
                section.notes.append(
                    f"({time.perf_counter() - clock:.0f} s; load average {machine()['load_average_1_5_15']})"
                )
                section.print()
                done.append(section)
        except Exception:
            failed += 1
            error = traceback.format_exc()
            print(f"\n{name} FAILED:\n{error}")
            done.append(Section(name, f"{name} failed", ["error"], [[error.strip().splitlines()[-1]]]))
        write_json(
            args.json, done, {**vars(args), "json": str(args.json)}, started
        )  # after each, so a long run keeps what it has
    print(f"\nwrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
