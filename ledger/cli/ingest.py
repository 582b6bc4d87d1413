"""`ledger ingest FILE`: record a month-end file of spends (a card provider's or payroll's).

The command acts as a caseworker named by `--actor` (the events record that id),
checks every row against its budget's rules, records each row once (a row's
`row_id` makes a re-run record nothing), and prints a summary; `--report FILE`
writes every row's result as CSV. The exit status is 0 when no row was refused,
1 otherwise, so a scheduler notices a file that needs attention.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import Role
from ledger.cli.context import fail, ledger_service, out
from ledger.ingest import FORMATS, ingest, read_rows
from ledger.ingest.rows import Format

REPORT_COLUMNS = ("line", "row_id", "budget", "result", "spend_id", "rule", "detail")


def ingest_file(
    file: Annotated[Path, typer.Argument(help="CSV with a header, or JSON lines (.jsonl, .ndjson)")],
    actor: Annotated[str, typer.Option(help="the caseworker id the spends are recorded by")] = "cli",
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: by extension)")] = None,
    report: Annotated[Path | None, typer.Option(help="write every row's result to this CSV file")] = None,
) -> None:
    """Record a file of spends across many budgets; each row once, each refusal with its rule."""
    chosen = fmt or ("jsonl" if file.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    if chosen not in FORMATS:
        raise fail(f"--format is csv or jsonl, not {chosen!r}")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise fail(f"cannot read {file}: {e}") from None
    format_: Format = "jsonl" if chosen == "jsonl" else "csv"
    try:
        rows = read_rows(text, format_)
    except errors.InvalidInput as e:
        raise fail(f"{file}: {e.detail}") from None
    with ledger_service() as service:
        result = ingest(service, Actor(id=actor, role=Role.CASEWORKER), rows)
    if report is not None:
        with report.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(REPORT_COLUMNS)
            for row in result.rows:
                writer.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in REPORT_COLUMNS])
    summary = result.summary
    out.print(
        f"{summary['rows']} rows: {summary['recorded']} recorded, "
        f"{summary['already_recorded']} already recorded, {summary['refused']} refused"
    )
    for row in result.rows:
        if row.result == "refused":
            out.print(f"line {row.line} ({row.row_id or '?'}): {row.rule}: {row.detail}")
    if summary["refused"]:
        raise typer.Exit(1)
