"""The `ledger` command line: the API, keys, envelopes, budgets, projections and the demo.

Every command that touches the store builds `ledger.settings.Settings` once (from the
`LEDGER_*` environment), says on stderr which store it uses, and fails in one line
when that store cannot be used (`ledger.cli.context`). The default store is the SQLite
file in the data folder, so every command finds the same store from any folder.
Heavy imports (the API, the demo) happen inside the commands that need them, so
`ledger keys ...` stays quick.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from ledger.cli import audit, budgets, demo, envelopes, erasure, ingest, keys, projections, schemes, serve
from ledger.cli import backup as backup_command  # operations (ledger.ops)
from ledger.cli import migrate as migrate_command
from ledger.cli.context import load_settings, uses_store

DISTRIBUTION = "budget-ledger"

app = typer.Typer(
    name="ledger",
    help="The individual budget ledger.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(keys.app, name="keys")
app.add_typer(budgets.app, name="budgets")
app.add_typer(projections.app, name="projections")
app.add_typer(envelopes.app, name="envelopes")
app.add_typer(schemes.app, name="schemes")
app.command("serve")(serve.serve)  # starts while the store is down (ledger.ops.outage)
app.command("demo")(uses_store(demo.demo))
# operations (ledger.ops)
app.command("migrate")(uses_store(migrate_command.migrate))
app.command("backup")(uses_store(backup_command.backup))
app.command("restore")(uses_store(backup_command.restore))
app.command("ingest")(uses_store(ingest.ingest_file))
# --- audit: the proof and the auditor's reads ---
app.command("checkpoint")(audit.checkpoint)
app.command("verify")(audit.verify)
app.command("history")(audit.history)
app.command("state")(audit.state)
app.command("export")(audit.export)
app.command("dispute-pack")(audit.dispute_pack_command)
app.command("erase-family")(erasure.erase_family)


def ledger_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ledger {ledger_version()}")
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="print the version and exit"),
    ] = False,
) -> None:
    """The individual budget ledger."""


@app.command("data-dir")
def data_dir() -> None:
    """Print the data folder: LEDGER_DATA_DIR, else $XDG_DATA_HOME or ~/.local/share, /budget-ledger."""
    typer.echo(str(load_settings().data_dir))


def main() -> None:
    # whatever the caller's umask, files the ledger makes (the read models' SQLite
    # files beside the store included) are readable by their owner only
    os.umask(0o077)
    app()


__all__ = ["app", "main"]
