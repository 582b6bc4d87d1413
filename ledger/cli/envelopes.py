"""`ledger envelopes set | list`: funding envelopes per stream and financial year."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ledger.aggregates.actor import Actor
from ledger.cli.context import ledger_service, out, uses_store
from ledger.envelopes import list_envelopes, set_envelope
from ledger.money import to_money

app = typer.Typer(help="Set and list funding envelopes.", no_args_is_help=True)
#: the command line acts as an administrator; the event records it as such
CLI_ADMIN = Actor(id="cli", role="admin")


@app.command("set")
@uses_store
def set_(
    stream: Annotated[str, typer.Option(help="social_care, health or education")],
    year: Annotated[int, typer.Option(help="financial year starting 1 April of this year")],
    amount: Annotated[str, typer.Option(help='e.g. "400000.00"')],
    reason: Annotated[str, typer.Option(help="why (a cabinet decision, say)")],
) -> None:
    """Set a stream's envelope for a year; a later one supersedes it (both stay on record)."""
    with ledger_service() as service:
        outcome = set_envelope(service, CLI_ADMIN, stream, year, to_money(amount), reason)
    out.print(f"envelope {outcome.envelope.stream} {outcome.envelope.year}: {outcome.envelope.amount}")


@app.command("list")
@uses_store
def list_(year: Annotated[int | None, typer.Option(help="only this financial year")] = None) -> None:
    """The envelopes in force."""
    with ledger_service() as service:
        envelopes = list_envelopes(service, CLI_ADMIN, year)
    table = Table("year", "stream", "amount", "reason", "set by")
    for e in envelopes:
        table.add_row(str(e.year), e.stream, f"{e.amount:.2f}", e.reason, e.set_by)
    out.print(table)


__all__ = ["app"]
