"""Whole-ledger verification speed, against a raw read of the same rows in the same run.

    .venv/bin/python -m benchmarks.ledger_verification --store sqlite               # 1,000,000 events
    .venv/bin/python -m benchmarks.ledger_verification --store postgres --events 100000
    .venv/bin/python -m benchmarks.ledger_verification --quick                      # 20,000 events

The ledger is seeded in bulk (real Budget commands run in memory, written in batches
through the library's recorder: `benchmarks.projection_rebuild.seed`). Then, timed:
the raw read (`select_notifications` of every row, nothing computed), making a
checkpoint (fingerprint and seal every event), and verifying against it (fingerprints,
running hash, every budget's chain decoded and rehashed).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Sequence

import psycopg

from benchmarks._common import PG_URL
from benchmarks.bulk_ledger import bulk_seed
from benchmarks.projection_rebuild import raw_read_rate
from ledger.aggregates.actor import Actor
from ledger.proof.checkpointing import make_checkpoint
from ledger.proof.verification import verify_ledger
from ledger.use_cases import LedgerService

AUDITOR = Actor("bench", "auditor")


def run(url: str, events: int, name: str) -> list[str]:
    app = LedgerService(url=url)
    try:
        seeded = bulk_seed(app, events)
        total = app.recorder.max_notification_id() or 0
        raw = raw_read_rate(app, total)
        started = time.perf_counter()
        kept = make_checkpoint(app, AUDITOR)
        checkpoint_rate = total / (time.perf_counter() - started)
        started = time.perf_counter()
        answer = verify_ledger(app, AUDITOR, (kept.position, kept.hash))
        verify_seconds = time.perf_counter() - started
        assert answer.ok, answer.first_failure
        rate = answer.checked / verify_seconds
    finally:
        app.close()
    return [
        f"| {name} | {total:,} | seed (bulk) | {seeded:.1f} | {total / seeded:,.0f} | |",
        f"| {name} | {total:,} | raw read | {total / raw:.1f} | {raw:,.0f} | 1.00x |",
        f"| {name} | {total:,} | checkpoint | {total / checkpoint_rate:.1f} | {checkpoint_rate:,.0f} "
        f"| {checkpoint_rate / raw:.2f}x |",
        f"| {name} | {answer.checked:,} | verify --all | {verify_seconds:.1f} | {rate:,.0f} "
        f"| {rate / raw:.2f}x |",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events, a few seconds")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sqlite-file", help="keep the SQLite ledger here (default: a temporary file)")
    args = parser.parse_args(argv)
    events = 20_000 if args.quick else args.events
    rows = ["| store | events | work | seconds | per second | vs raw read |", "|---|---|---|---|---|---|"]
    if args.store in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="ledger-verify-") as folder:
            path = args.sqlite_file or f"{folder}/ledger.db"
            rows += run(f"sqlite:///{path}", events, "sqlite")
    if args.store in ("postgres", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            rows += run(f"{PG_URL}?schema={schema}", events, "postgres")
        finally:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
