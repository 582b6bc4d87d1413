"""`ledger keys create | list | revoke`: API keys, kept hashed in the ledger's key ring."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
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
    expires: Annotated[
        str | None,
        typer.Option(
            help="when the key stops working: a date (2027-04-01, at 00:00 UTC), a time "
            "with an offset, or a number of days (90d); never, if not given"
        ),
    ] = None,
) -> None:
    """Make a key; it is printed once, alone on the last line, and never stored."""
    expires_at = parse_expiry(expires) if expires is not None else None
    with ledger_service() as service:
        key_id, secret = create_key(service, role, name, org=org, family=family, expires_at=expires_at)
    until = f", until {expires_at.isoformat()}" if expires_at else ""
    out.print(f"created key {key_id} ({role}) for {name}{until}; this is the only time it is shown:")
    print(secret)


@app.command("list")
@uses_store
def list_() -> None:
    """Every key: id, name, role, scope, created, expires, last used, whether revoked (never the secret)."""
    with ledger_service() as service:
        entries = list_keys(service)
    now = datetime.now(UTC)
    table = Table(
        "id",
        "name",
        "role",
        "org",
        "family",
        "created",
        "expires",
        "last used",
        "revoked",
        title="API keys, oldest first",
    )
    for e in sorted(entries, key=lambda e: e.created_at):
        expires = (
            _minute(e.expires_at) + (" (expired)" if e.expired(now) else "") if e.expires_at else "never"
        )
        last_used = e.last_used_on.isoformat() if e.last_used_on else "never"
        revoked = "yes" if e.revoked else "no"
        table.add_row(
            e.key_id,
            e.name,
            e.role,
            e.org or "",
            e.family or "",
            _minute(e.created_at),
            expires,
            last_used,
            revoked,
        )
    out.print(table)


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_expiry(text: str) -> datetime:
    """`2027-04-01` (00:00 UTC that day), an ISO time with an offset, or `90d` from now."""
    text = text.strip()
    try:
        if text.endswith("d") and text[:-1].isdigit():
            return datetime.now(UTC) + timedelta(days=int(text[:-1]))
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise typer.BadParameter(
            "give a date (2027-04-01), a time with an offset, or days (90d)", param_hint="--expires"
        )
    return moment


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
