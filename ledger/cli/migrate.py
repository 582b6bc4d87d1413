"""`ledger migrate`: create every table once, before the servers start (`ledger.ops.migrate`)."""

from __future__ import annotations

import typer

from ledger.cli.context import current_settings


def migrate() -> None:
    """Create every table of the store (safe to run again, and beside starting servers)."""
    from ledger.ops.migrate import migrate as run

    made = run(current_settings())
    typer.echo(f"tables ready: {', '.join(made)}")
