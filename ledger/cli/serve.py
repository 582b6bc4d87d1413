"""`ledger serve`: the HTTP API under uvicorn, on the store named by the ledger's settings.

The command line has already announced and checked the store (`ledger.cli.context`);
`api.app.create_app` builds the same `Settings` from the same environment in the
server process.
"""

from __future__ import annotations

from typing import Annotated

import typer

#: named, not imported: the ledger package never imports the web layer (tests/unit/test_layers.py)
APP_FACTORY = "api.app:create_app"
#: uvicorn's h11 protocol answering malformed HTTP as a problem, not text/plain (issue 14)
HTTP_PROTOCOL = "api.security.wire"


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """Run the API (docs at /docs)."""
    import importlib

    import uvicorn

    protocol = importlib.import_module(HTTP_PROTOCOL).ProblemH11Protocol
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, http=protocol)
