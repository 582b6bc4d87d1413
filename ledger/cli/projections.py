"""`ledger projections run | status | rebuild`: the read models outside the API process.

`run` keeps every read model up to date (start the API with LEDGER_RUN_PROJECTIONS=0
when this runs instead); `status` shows each one's generation, position and lag;
`rebuild [NAME]` fills a new generation from zero with a progress bar while the
API keeps reading the old one, then switches it live; without a name, every read
model in one pass over the log.
"""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ledger.cli.context import current_settings, out, uses_store
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS
from ledger.use_cases import LedgerService

app = typer.Typer(help="Run, inspect and rebuild the read models.", no_args_is_help=True)


@app.command()
@uses_store
def run() -> None:
    """Keep every read model up to date until interrupted (Ctrl-C or SIGTERM)."""
    read_side = ReadSide(current_settings().url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    read_side.start()
    out.print(f"running {', '.join(READ_MODELS)}; Ctrl-C to stop")
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        read_side.stop()


@app.command()
@uses_store
def status() -> None:
    """Each read model's live generation, position and lag behind the event store."""
    service = LedgerService(settings=current_settings())
    read_side = ReadSide(service.url)
    try:
        head = service.recorder.max_notification_id() or 0
        table = Table("read model", "generation", "position", "head", "lag")
        for row in read_side.status(head):
            table.add_row(*(str(row[k]) for k in ("name", "generation", "position", "head", "lag")))
        out.print(table)
    finally:
        read_side.stop()
        service.close()


@app.command()
@uses_store
def rebuild(
    name: Annotated[str | None, typer.Argument(help="one read model (all if left out)")] = None,
) -> None:
    """Rebuild from zero into a new generation; readers switch over once it has caught up."""
    names = [name] if name else list(READ_MODELS)
    unknown = [n for n in names if n not in READ_MODELS]
    if unknown:
        raise typer.BadParameter(f"no read model {unknown[0]!r}; choose from {', '.join(READ_MODELS)}")
    service = LedgerService(settings=current_settings())
    read_side = ReadSide(service.url, names)

    def head() -> int:
        return service.recorder.max_notification_id() or 0

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=out) as progress:
            task = progress.add_task(", ".join(names), total=head())

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            # one pass over the log for all of them: each event is read and decoded once
            generations = read_side.rebuild_many(names, head, advance)
            progress.update(task, completed=head(), total=head())
        for each, generation in generations.items():
            out.print(f"{each}: generation {generation} is live")
    finally:
        read_side.stop()
        service.close()
