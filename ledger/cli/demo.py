"""`ledger demo`: load a synthetic cohort of budgets (ledger.demo) and print its summary."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ledger.use_cases import LedgerService


def demo(seed: Annotated[int, typer.Option(help="the same seed loads the same cohort")] = 2026) -> None:
    """Load the demo cohort into the store."""
    from ledger.demo import load_demo

    service = LedgerService()
    try:
        summary = load_demo(service, seed=seed)
    finally:
        service.close()
    table = Table("", "", title="demo loaded", show_header=False)
    for key, value in summary.items():
        table.add_row(str(key), str(value))
    Console(highlight=False).print(table)
