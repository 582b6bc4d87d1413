"""`ledger schemes publish FILE | list`: budget schemes as data, published without a code release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ledger.cli.context import fail, ledger_service, out, uses_store

app = typer.Typer(help="Publish and list budget schemes.", no_args_is_help=True)


@app.command("publish")
@uses_store
def publish(
    file: Annotated[Path, typer.Argument(help="the scheme as a JSON file", exists=True, dir_okay=False)],
) -> None:
    """Publish a scheme version; a published version never changes (publish a new version instead)."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise fail(f"{file.name} is not JSON: {e}") from None
    with ledger_service() as service:
        scheme, published = service.publish_scheme(document, by="cli")
    state = "published" if published else "already published, unchanged"
    out.print(f"scheme {scheme.id} version {scheme.version} {state}: {scheme.fingerprint}")


@app.command("list")
@uses_store
def list_() -> None:
    """Every published scheme version with its fingerprint."""
    with ledger_service() as service:
        schemes = service.budget_schemes()
    table = Table("id", "version", "title", "fingerprint")
    for s in schemes:
        table.add_row(s.id, str(s.version), s.title, s.fingerprint)
    out.print(table)


__all__ = ["app"]
