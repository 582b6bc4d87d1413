"""The store going away and coming back: recognised, told once, and never fatal to the process.

`STORE_FAILURES` are the errors that mean "the store cannot be used right now"
(a refused or dropped connection, the pool's bounded wait running out, a lock
wait timing out, SQLite's "database is locked"): the API answers them with 503
and `Retry-After` (`api.outage`), and the read side retries them quietly.
`StoreWatch` logs one line when a part of the process loses the store and one
when it regains it, however many times a second it tries in between.
`open_ledger` lets a server start while PostgreSQL is down: it opens the ledger
without creating tables, and a background thread creates them once the store
answers, so the process serves 503 and reports not ready until then.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from ledger.ops.tables import creation_lock
from ledger.settings import Settings
from ledger.store import StoreUnreachable, one_line, persistence_env
from ledger.use_cases import LedgerService

log = logging.getLogger(__name__)
#: psycopg_pool.PoolTimeout is a psycopg.OperationalError
STORE_FAILURES: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    StoreUnreachable,
    ConnectionError,
    TimeoutError,
)
RETRY_SECONDS = 1.0


def is_store_failure(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "unable to open" in str(exc)
    return isinstance(exc, STORE_FAILURES)


class StoreWatch:
    """One log line on losing the store, one on regaining it; other errors keep their traceback."""

    def __init__(self, what: str, logger: logging.Logger = log) -> None:
        self.what = what
        self.logger = logger
        self.lost = False
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        if not is_store_failure(exc):
            self.logger.error("%s failed; retrying", self.what, exc_info=exc)
            return
        with self._lock:
            first, self.lost = not self.lost, True
        if first:
            reason = one_line(str(exc) or type(exc).__name__)
            self.logger.warning("%s lost the store: %s", self.what, reason)

    def ok(self) -> None:
        with self._lock:
            regained, self.lost = self.lost, False
        if regained:
            self.logger.warning("%s regained the store", self.what)


class TableKeeper:
    """Creates the ledger's tables once the store answers (a server started while it was down)."""

    def __init__(self, service: LedgerService, settings: Settings) -> None:
        self.service = service
        self.env = persistence_env(settings.url, settings.connect_timeout)
        self.done = threading.Event()
        self.watch = StoreWatch("table creation")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tables", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with creation_lock(self.env):
                    self.service.recorder.create_table()  # type: ignore[attr-defined]
                    if self.service.snapshots is not None:
                        self.service.snapshots.recorder.create_table()  # type: ignore[attr-defined]
            except Exception as e:
                self.watch.failed(e)
                self._stop.wait(RETRY_SECONDS)
                continue
            self.watch.ok()
            self.done.set()
            return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def open_ledger(settings: Settings) -> tuple[LedgerService, TableKeeper | None]:
    """The ledger on `settings`' store; on PostgreSQL that is down, one whose tables come later."""
    try:
        return LedgerService(settings=settings), None
    except Exception as e:
        if not is_store_failure(e) or settings.url.startswith("sqlite"):
            raise
        reason = one_line(str(e))
        log.warning("the store is unreachable at start (%s); answering 503 until it is back", reason)
    service = LedgerService(settings=settings, env={"CREATE_TABLE": "n"})
    return service, TableKeeper(service, settings)
