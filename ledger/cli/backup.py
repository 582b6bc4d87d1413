"""`ledger backup FILE` and `ledger restore FILE`: a SQLite store's backups (`ledger.ops.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli.context import current_settings


def backup(
    destination: Annotated[Path, typer.Argument(help="a new file to write the backup to")],
) -> None:
    """Back up the SQLite store while it serves (PostgreSQL: pg_dump -Fc, see the README)."""
    from ledger.ops.backup import backup as run

    size = run(current_settings().url, destination)
    typer.echo(f"backed up {size} bytes to {destination}")


def restore(
    source: Annotated[Path, typer.Argument(help="a backup made by `ledger backup`")],
    replace: Annotated[bool, typer.Option("--replace", help="overwrite an existing store")] = False,
) -> None:
    """Make a backup the store (servers stopped); the read models are rebuilt from it on the next start."""
    from ledger.ops.backup import restore as run

    removed = run(source, current_settings().url, replace)
    typer.echo(f"restored {source}; {len(removed)} read-model files removed, rebuilt on the next start")
