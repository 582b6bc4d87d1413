"""`ledger erase-family REF --reason WHY`: make a family's free text unreadable (ledger.erasure)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ledger.aggregates.actor import Actor
from ledger.cli.context import ledger_service, uses_store
from ledger.erasure import erase_family_text

#: the command line acts as an administrator; the events record it as such
CLI_ADMIN = Actor(id="cli", role="admin")


@uses_store
def erase_family(
    family_ref: Annotated[str, typer.Argument(help="the family's reference in the case system")],
    reason: Annotated[str, typer.Option(help="why: name the lawful request, not the person")],
) -> None:
    """Destroy the keys of a family's free text and record the erasure on each of its budgets."""
    with ledger_service() as service:
        done = erase_family_text(service, CLI_ADMIN, family_ref, reason)
    answer = {
        "family_ref": done.family_ref,
        "budgets": done.budgets,
        "keys_destroyed": done.keys_destroyed,
        "erased_at": done.erased_at.isoformat(),
    }
    typer.echo(json.dumps(answer, indent=2))
