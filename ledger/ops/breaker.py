"""Fail fast while the store is known to be away, so no request waits longer than one bounded wait.

The library retries a failed read or write ten times, 0.2 s apart, and each try
waits the pool's full timeout for a connection: with the store away a request
hung ten timeouts (minutes, with the library's 30 s default) before failing.
`guard` wraps a PostgreSQL datastore's `get_connection`: once getting a
connection has failed, further attempts fail at once for `HOLD_SECONDS` (2.5 s), so the
library's remaining retries cost only their 0.2 s sleeps. A request meeting an
outage therefore fails within `LEDGER_CONNECT_TIMEOUT` plus about 2 s, and the
first attempt after the hold probes the store again, so recovery needs no one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError

HOLD_SECONDS = 2.5  # longer than the library's ten retries 0.2 s apart, so they never wait twice


class Breaker:
    def __init__(self, hold: float = HOLD_SECONDS) -> None:
        self.hold = hold
        self._open_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self._open_until:
            raise OperationalError("the store was unreachable a moment ago; not waiting for it again yet")

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.hold


def guard(datastore: Any, breaker: Breaker | None = None) -> Breaker:
    """Wrap `datastore.get_connection` so failures to get (or keep) a connection trip `breaker`."""
    breaker = breaker or Breaker()
    get_connection: Callable[[], AbstractContextManager[Any]] = datastore.get_connection

    @contextmanager
    def guarded() -> Iterator[Any]:
        breaker.check()
        conn = None
        try:
            with get_connection() as conn:
                yield conn
        except OperationalError:
            if conn is None or conn.broken or conn.closed:  # not a lock timeout or such: the store is away
                breaker.trip()
            raise

    datastore.get_connection = guarded
    return breaker
