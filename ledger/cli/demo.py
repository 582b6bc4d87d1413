"""`ledger demo [--reset --yes]`: load the synthetic cohort (the `ledger_demo` package) and print its summary.

`ledger_demo` is imported here, inside the command, and nowhere else in the ledger:
the core package neither ships sample data nor depends on it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ledger.cli.context import current_settings, ledger_service

err = Console(stderr=True, highlight=False)


def demo(
    seed: Annotated[int, typer.Option(help="the same seed loads the same cohort")] = 2026,
    reset: Annotated[
        bool, typer.Option(help="first remove the SQLite store's files (never a PostgreSQL database)")
    ] = False,
    yes: Annotated[bool, typer.Option(help="confirm --reset")] = False,
) -> None:
    """Load the demo cohort into the store (nothing is written if it is already there)."""
    if reset:
        _reset(yes)
    from ledger_demo import load_demo

    with ledger_service() as service:
        summary = load_demo(service, seed=seed)
    table = Table("", "", title="demo loaded", show_header=False)
    for key, value in summary.items():
        table.add_row(str(key), str(value))
    Console(highlight=False).print(table)


def _reset(confirmed: bool) -> None:
    """Remove the store's files; refuse (exit 1, one line) on PostgreSQL or without --yes."""
    from ledger_demo.reset import ResetRefused, remove_store, store_files

    url = current_settings().url
    try:
        files = store_files(url)
        if not confirmed:
            names = ", ".join(str(f) for f in files) or "nothing yet"
            raise ResetRefused(f"--reset removes {names}; add --yes to confirm (stop the API first)")
        removed = remove_store(url)
    except ResetRefused as e:
        err.print(f"error: {e}", soft_wrap=True)
        raise typer.Exit(1) from None
    Console(highlight=False).print(f"removed {len(removed)} files of {url}")
