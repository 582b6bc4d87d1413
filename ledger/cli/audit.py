"""Commands for auditors: checkpoint, verify, history, state, export and dispute-pack.

The command line acts as an auditor (`CLI_AUDITOR`): whoever can run it can already
read the store. A checkpoint is printed as one JSON object, to be kept outside the
system (`ledger checkpoint > checkpoint.json`) and handed back to `ledger verify`.
Verification answers as JSON on stdout, with a progress bar on stderr, and exits 1
when anything fails, so a scheduled job can alert on it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO
from uuid import UUID

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ledger import audit
from ledger.aggregates.actor import Actor
from ledger.audit_actors import actor_names
from ledger.audit_words import sentence, why
from ledger.cli.budgets import find
from ledger.cli.context import fail, ledger_service, out, uses_store
from ledger.proof.checkpointing import make_checkpoint
from ledger.proof.store import stored_events
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


def _budget(service: Any, ref_or_id: str) -> Any:
    found = find(service, ref_or_id)
    if found is None:
        raise fail(f"no budget with reference or id {ref_or_id!r}")
    return found


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise fail(f"--as-of {text!r} is not an ISO 8601 time such as 2026-10-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise fail("--as-of needs a time zone, e.g. 2026-10-01T00:00:00Z")
    return moment


AS_OF = typer.Option("--as-of", help="ISO 8601 time with offset, e.g. 2026-10-01T00:00:00Z")


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


@uses_store
def history(
    budget: Annotated[str, typer.Argument(help="a budget's reference or id")],
    as_of: Annotated[str | None, AS_OF] = None,
    format_: Annotated[Format, typer.Option("--format", help="json or table")] = Format.TABLE,
) -> None:
    """A budget's events in order: when, who (named from the key ring), what and why."""
    with ledger_service() as service:
        found = _budget(service, budget)
        events = audit.history(service, CLI_AUDITOR, found.id, _instant(as_of))
        names = actor_names(service)
        if format_ == Format.JSON:
            described = service.reveal([audit.describe(e, names) for e in events])
            typer.echo(json.dumps(described, indent=2, default=_text))
            return
        rows = service.reveal([_row(e, names) for e in events])  # erased text marked erased
    table = Table(
        "version", "recorded at", "who", "what", "why", "available", title=f"budget {found.reference}"
    )
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))  # recorded text is not rich markup: "[erased ...]"
    out.print(table)


def _row(e: Any, names: dict[str, str]) -> list[str]:
    who = names.get(e.actor_id) or e.actor_id
    return [
        str(e.originator_version),
        e.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
        f"{who} ({e.actor_role})",
        sentence(e),
        why(e) or "",
        f"{e.figures.available:.2f}",
    ]


@uses_store
def state(
    budget: Annotated[str, typer.Argument(help="a budget's reference or id")],
    as_of: Annotated[str | None, AS_OF] = None,
    version: Annotated[int | None, typer.Option(min=1, help="the budget's version")] = None,
) -> None:
    """The budget as it stood at a time or a version: its status and figures, as JSON."""
    if (as_of is None) == (version is None):
        raise fail("give --as-of or --version")
    with ledger_service() as service:
        found = _budget(service, budget)
        then = audit.state_as_of(service, CLI_AUDITOR, found.id, _instant(as_of), version)
    figures = {k: v for k, v in asdict(then.figures()).items()}
    answer = {"id": str(then.id), "reference": then.reference, "version": then.version, **figures}
    _print_json(answer)


@uses_store
def export(
    out_file: Annotated[Path | None, typer.Option("--out", help="write here instead of stdout")] = None,
    after: Annotated[int, typer.Option(min=0, help="only events after this position")] = 0,
) -> None:
    """Every stored event as one JSON line, in position order, exactly as stored (for archiving).

    Each line holds `position`, `originator_id` (32 hex digits), `version`, `topic` and `state`
    (the stored JSON text), which is all the README's hashing rule needs.
    """
    with ledger_service() as service, _sink(out_file) as sink:
        for n in stored_events(service, after=after):
            line = {
                "position": n.id,
                "originator_id": UUID(str(n.originator_id)).hex,
                "version": n.originator_version,
                "topic": n.topic,
                "state": bytes(n.state).decode(),
            }
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")


@contextmanager
def _sink(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8") as f:
        yield f


@uses_store
def dispute_pack_command(
    budget: Annotated[str, typer.Argument(help="a budget's reference or id")],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.html for the printable page, else JSON")],
) -> None:
    """Write a budget's dispute pack: a printable page if FILE ends in .html, else JSON."""
    from pydantic import TypeAdapter

    from ledger.audit_pack import DisputePack, dispute_pack
    from ledger.audit_page import render

    with ledger_service() as service:
        found = _budget(service, budget)
        pack = service.reveal(dispute_pack(service, CLI_AUDITOR, found.id))  # erased text marked erased
    if out_file.suffix.lower() in (".html", ".htm"):
        out_file.write_text(render(pack, base=""), encoding="utf-8")
    else:
        out_file.write_bytes(TypeAdapter(DisputePack).dump_json(pack, indent=2))
    typer.echo(f"wrote the dispute pack of {found.reference} to {out_file}", err=True)
