"""`ledger serve`: the HTTP API under uvicorn, on the store named by the ledger's settings.

Unlike the other commands, serve starts while a PostgreSQL store is down: it says
so in one line, answers 503 and reports not ready until the store is back
(`ledger.ops.outage`). A server that fails to start exits (status 3) rather than
lingering with its port closed and its connections held by library threads.
`--workers N` runs N processes; each would run its own read-model runners, which
must be one per read model, so it is refused unless LEDGER_RUN_PROJECTIONS=0 and
`ledger projections run` keeps them in a process of its own.
"""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from ledger.cli.context import fail, load_settings, store_errors
from ledger.store import StoreUnreachable, check_reachable, describe

#: named, not imported: the ledger package never imports the web layer (tests/unit/test_layers.py)
APP_FACTORY = "api.app:create_app"
#: uvicorn's h11 protocol answering malformed HTTP as a problem, not text/plain (issue 14),
#: and cutting off request heads that do not arrive in time (ledger.ops.headtimeout)
HTTP_PROTOCOL = "api.protocol:LedgerH11Protocol"


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="processes; more than 1 needs LEDGER_RUN_PROJECTIONS=0")
    ] = 1,
    timeout_keep_alive: Annotated[
        int, typer.Option(min=1, help="seconds an idle keep-alive connection is kept")
    ] = 5,
    limit_concurrency: Annotated[
        int, typer.Option(min=1, help="connections and tasks at once per process; beyond, 503")
    ] = 256,
    timeout_graceful_shutdown: Annotated[
        int, typer.Option(min=0, help="seconds to finish requests in flight on SIGTERM")
    ] = 10,
    head_timeout: Annotated[
        float, typer.Option(min=0.1, help="seconds a client has to send a whole request head")
    ] = 10.0,
) -> None:
    """Run the API (docs at /docs); logs go to stderr as JSON lines carrying request ids."""
    import uvicorn

    from ledger.ops import headtimeout
    from ledger.ops.logs import log_config

    settings = load_settings()
    with store_errors(settings):
        typer.echo(f"store: {describe(settings.url)}", err=True)
        try:
            check_reachable(settings.url, settings.connect_timeout)
        except StoreUnreachable as e:  # serve anyway: 503 and not ready until the store answers
            typer.echo(f"warning: {e}; serving 503 until it answers", err=True)
    if workers > 1 and settings.run_projections:
        raise fail(
            "--workers above 1 needs LEDGER_RUN_PROJECTIONS=0 and `ledger projections run` "
            "in a process of its own (one runner per read model)"
        )
    os.environ[headtimeout.ENV] = str(head_timeout)  # worker processes read it from here
    try:
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            http=HTTP_PROTOCOL,
            timeout_keep_alive=timeout_keep_alive,
            limit_concurrency=limit_concurrency,
            timeout_graceful_shutdown=timeout_graceful_shutdown,
            log_config=log_config(settings.log_level.upper()),
        )
    except SystemExit as e:  # uvicorn's "startup failed" (3): leave now, whatever threads remain
        logging.shutdown()
        os._exit(e.code if isinstance(e.code, int) else 1)
