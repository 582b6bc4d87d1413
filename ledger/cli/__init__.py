"""The `ledger` command line: serve the API, manage keys and envelopes, run projections, load the demo.

Every command works on the store named by `LEDGER_DATABASE_URL` (default
`sqlite:///data/ledger.db`). Heavy imports (the API, the demo) happen inside the
commands that need them, so `ledger keys ...` stays quick.
"""

from __future__ import annotations

import typer

from ledger.cli import demo, envelopes, keys, projections, serve

app = typer.Typer(
    name="ledger",
    help="The individual budget ledger.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(keys.app, name="keys")
app.add_typer(projections.app, name="projections")
app.add_typer(envelopes.app, name="envelopes")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)


def main() -> None:
    app()


__all__ = ["app", "main"]
