"""A month-end file through `ledger ingest` versus the store's own bulk load of the same rows.

    .venv/bin/python -m benchmarks.ingest [--quick] [--store sqlite|postgres|both]

The ledger path is `ledger.ingest`: read the CSV, group the rows by budget, load
each budget once, check every row by the budget's rules, save the new events
(one per row, hash-chained, with the budget's figures) many budgets per
transaction. The baseline, measured in the same run on the same store, is the
store's fastest way to land the same rows in a plain table: PostgreSQL `COPY`,
SQLite `executemany` in one transaction. Re-running the file (every row already
recorded) is measured too.

Sizes: 10,000 rows over 200 budgets by default; 1,000 over 40 with `--quick`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from contextlib import closing
from datetime import date, timedelta

from benchmarks._common import Store, options, seconds, stores
from benchmarks.report import Section
from benchmarks.write_spends import CASEWORKER, CATEGORIES, funded_budgets
from ledger.ingest import ingest, read_rows
from ledger.use_cases import LedgerService

FULL, QUICK = (10_000, 200), (1_000, 40)
COLUMNS = (
    "row_id",
    "budget",
    "amount",
    "category",
    "provider",
    "service_date",
    "description",
    "units",
    "unit",
)


def month_end_file(budgets: Sequence[object], n: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(n):
        writer.writerow(
            [
                f"card-2026-05-{i:07d}",
                str(budgets[i % len(budgets)]),
                f"{10 + i % 90}.{i % 100:02d}",
                CATEGORIES[i % len(CATEGORIES)],
                f"PROV-{i % 97:03d}",
                (date(2026, 4, 1) + timedelta(days=i % 365)).isoformat(),
                "card transaction",
                "2",
                "hours",
            ]
        )
    return out.getvalue()


def bulk_load_seconds(store: Store, text: str) -> float:
    rows = list(csv.reader(io.StringIO(text)))[1:]
    table = "bulk_rows"
    create = f"CREATE TABLE {table} ({', '.join(c + ' TEXT' for c in COLUMNS)})"
    with closing(store.connect()) as conn:
        conn.execute(create)
        if store.name == "sqlite":
            marks = ", ".join("?" for _ in COLUMNS)

            def load() -> None:
                conn.execute("BEGIN")
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
                conn.execute("COMMIT")

            return seconds(load)

        def copy() -> None:
            with conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copying:
                for row in rows:
                    copying.write_row(row)

        return seconds(copy)


def measure(store: Store, n: int, budgets: int, section: Section) -> None:
    """The baseline first, then the ledger's two runs; each row printed as it is measured."""
    service = LedgerService(url=store.url)
    try:
        text = month_end_file(funded_budgets(service, budgets), n)
        raw = bulk_load_seconds(store, text)
        baseline = "COPY" if store.name == "postgres" else "executemany"
        section.add([store.name, f"{baseline} (baseline)", n, f"{n / raw:,.0f}", "1.000x"])
        first = seconds(lambda: ingest(service, CASEWORKER, read_rows(text, "csv")))
        section.add([store.name, "ledger ingest", n, f"{n / first:,.0f}", f"{raw / first:.3f}x"])
        again = seconds(lambda: ingest(service, CASEWORKER, read_rows(text, "csv")))
        section.add([store.name, "ledger ingest, again", n, f"{n / again:,.0f}", f"{raw / again:.3f}x"])
    finally:
        service.close()


def section(quick: bool, which: str) -> Section:
    n, budgets = QUICK if quick else FULL
    result = Section(
        "ingest",
        f"Month-end ingest: {n:,} rows over {budgets} budgets (ratio to the store's bulk load)",
        ["store", "path", "rows", "rows per second", "vs raw"],
    )
    for make in stores(which):
        with make() as store:
            measure(store, n, budgets, result)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    section(args.quick, args.store).print()


if __name__ == "__main__":
    main()
