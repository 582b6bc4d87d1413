"""Cut off a client whose request head does not arrive in time (uvicorn has no such timeout).

Without it, a client that opens a connection and sends half a request line, or
headers one byte a minute, holds the connection (and a file descriptor) for ever:
500 such connections were never closed in 65 s on main. This is uvicorn's h11
protocol with one timer: armed when the connection opens and after each answer,
it closes the connection if the client has still not sent a whole request head
(`LEDGER_HEAD_TIMEOUT` seconds, 10 by default). Once a head has arrived the timer
is done; the body is bounded by `LEDGER_MAX_BODY_BYTES` and keep-alive idling by
uvicorn's own `--timeout-keep-alive`.

`api.protocol` combines it with the API's problem answer for malformed HTTP; it is
named by import path so worker processes started by uvicorn import it themselves,
and the timeout travels in the environment for the same reason.
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

ENV = "LEDGER_HEAD_TIMEOUT"
DEFAULT_SECONDS = 10.0


class HeadTimeoutProtocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        seconds = float(os.environ.get(ENV) or DEFAULT_SECONDS)
        self._head_timer = self.loop.call_later(seconds, self._head_overdue)

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():  # no whole head yet
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._disarm()
            self._arm()

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
