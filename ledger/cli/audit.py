"""Commands for auditors: `ledger checkpoint` and `ledger verify BUDGET|--all [--checkpoint FILE]`.

The command line acts as an auditor (`CLI_AUDITOR`): whoever can run it can already
read the store. A checkpoint is printed as one JSON object, to be kept outside the
system (`ledger checkpoint > checkpoint.json`) and handed back to `ledger verify`.
Verification answers as JSON on stdout, with a progress bar on stderr, and exits 1
when anything fails, so a scheduled job can alert on it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ledger import audit
from ledger.aggregates.actor import Actor
from ledger.cli.budgets import find
from ledger.cli.context import fail, ledger_service, uses_store
from ledger.proof.checkpointing import make_checkpoint
from ledger.proof.verification import verify_ledger

CLI_AUDITOR = Actor(id="cli", role="auditor")
err = Console(stderr=True)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _print_json(answer: dict[str, Any]) -> None:
    typer.echo(json.dumps(answer, indent=2, default=_text))


@uses_store
def checkpoint() -> None:
    """Seal every event so far; print the checkpoint (position, hash, made_at) to keep elsewhere."""
    with ledger_service() as service:
        made = make_checkpoint(service, CLI_AUDITOR)
    _print_json(asdict(made))


def read_checkpoint(path: Path) -> tuple[int, str]:
    try:
        kept = json.loads(path.read_text())
        return int(kept["position"]), str(kept["hash"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise fail(
            f"{path} is not a checkpoint printed by `ledger checkpoint` ({type(e).__name__})"
        ) from None


@uses_store
def verify(
    budget: Annotated[str | None, typer.Argument(help="a budget's reference or id")] = None,
    all_: Annotated[bool, typer.Option("--all", help="the whole ledger: every event, every budget")] = False,
    checkpoint_file: Annotated[
        Path | None, typer.Option("--checkpoint", help="a checkpoint file from `ledger checkpoint`")
    ] = None,
) -> None:
    """Verify one budget's chain, or (--all) the whole ledger against an optional kept checkpoint."""
    if (budget is None) == (not all_):
        raise fail("name a budget or give --all")
    kept = read_checkpoint(checkpoint_file) if checkpoint_file else None
    with ledger_service() as service:
        if budget is not None:
            found = find(service, budget)
            if found is None:
                raise fail(f"no budget with reference or id {budget!r}")
            answer = asdict(audit.verify(service, CLI_AUDITOR, found.id))
        else:
            answer = asdict(_verify_all(service, kept))
    _print_json(answer)
    if not answer["ok"]:
        raise typer.Exit(1)


def _verify_all(service: Any, kept: tuple[int, str] | None) -> Any:
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("verify", total=None)

        def progress(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        return verify_ledger(service, CLI_AUDITOR, kept, progress)
