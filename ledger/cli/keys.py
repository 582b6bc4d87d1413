"""`ledger keys create | list | revoke`: API keys, kept hashed in the ledger's key ring."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ledger.aggregates.vocabulary import Role
from ledger.cli.context import ledger_service, out, uses_store
from ledger.keys import create_key, list_keys, revoke_key

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@app.command()
@uses_store
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
@uses_store
def list_() -> None:
    """Every key: id, name, role, scope, whether revoked (never the secret or its hash)."""
    with ledger_service() as service:
        entries = list_keys(service)
    table = Table("id", "name", "role", "org", "family", "revoked", title="API keys, oldest first")
    for e in sorted(entries, key=lambda e: e.created_at):
        table.add_row(e.key_id, e.name, e.role, e.org or "", e.family or "", "yes" if e.revoked else "no")
    out.print(table)


@app.command()
@uses_store
def revoke(
    key_id: Annotated[str, typer.Argument(help="the key's id, from `ledger keys list`")],
    reason: Annotated[str, typer.Option(help="why, for the record")] = "revoked from the command line",
) -> None:
    """Revoke a key: it stops working at once."""
    with ledger_service() as service:
        revoke_key(service, key_id, reason)
    out.print(f"revoked key {key_id}")
