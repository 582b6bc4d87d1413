"""`ledger keys create | list | revoke`: API keys, kept hashed in the ledger's key ring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ledger.aggregates.vocabulary import Role
from ledger.errors import LedgerError
from ledger.keys import create_key, list_keys, revoke_key
from ledger.use_cases import LedgerService

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


@contextmanager
def ledger_service() -> Iterator[LedgerService]:
    """The ledger on LEDGER_DATABASE_URL; a refused command exits 1 with the reason on stderr."""
    service = LedgerService()
    try:
        yield service
    except LedgerError as e:
        err.print(f"error: {e.detail}")
        raise typer.Exit(1) from None
    finally:
        service.close()


@app.command()
def create(
    role: Annotated[str, typer.Option(help=f"what the key may do: {', '.join(Role)}")],
    name: Annotated[str, typer.Option(help="who or what holds the key")],
    org: Annotated[str | None, typer.Option(help="a broker key's organisation")] = None,
    family: Annotated[str | None, typer.Option(help="a family key's family reference")] = None,
) -> None:
    """Make a key; it is printed once, alone on the last line, and never stored."""
    with ledger_service() as service:
        key_id, secret = create_key(service, role, name, org=org, family=family)
    out.print(f"created key {key_id} ({role}) for {name}; this is the only time it is shown:")
    print(secret)


@app.command("list")
def list_() -> None:
    """Every key: id, name, role, scope, whether revoked (never the secret or its hash)."""
    with ledger_service() as service:
        entries = list_keys(service)
    table = Table("id", "name", "role", "org", "family", "revoked", title="API keys, oldest first")
    for e in sorted(entries, key=lambda e: e.created_at):
        table.add_row(e.key_id, e.name, e.role, e.org or "", e.family or "", "yes" if e.revoked else "no")
    out.print(table)


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="the key's id, from `ledger keys list`")],
    reason: Annotated[str, typer.Option(help="why, for the record")] = "revoked from the command line",
) -> None:
    """Revoke a key: it stops working at once."""
    with ledger_service() as service:
        revoke_key(service, key_id, reason)
    out.print(f"revoked key {key_id}")
