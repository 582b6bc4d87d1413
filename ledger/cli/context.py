"""The command line's edge: settings built once, the store announced and checked, errors kept to one line.

Every command that touches the store is wrapped in `uses_store`. Before the command
runs it builds `Settings` from the environment, prints which store it uses (one line
on stderr, password redacted) and, for PostgreSQL, checks the server answers within
the connect timeout. Whatever goes wrong with the settings or the store, before or
during the command, ends as one `error:` line on stderr and exit status 1: never a
traceback, never the URL's password.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar
from urllib.parse import unquote, urlparse

import click
import psycopg
import psycopg_pool
import typer
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError
from rich.console import Console

from ledger.errors import LedgerError
from ledger.settings import Settings
from ledger.store import StoreError, check_reachable, describe, one_line
from ledger.use_cases import LedgerService

P = ParamSpec("P")
R = TypeVar("R")
#: tables and answers on stdout (the store line and errors go to stderr); piped into grep
#: or a file, tables keep whole values rather than rich's 80-column ellipses
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
_SETTINGS = "ledger.settings"
STORE_FAILURES = (
    StoreError,
    psycopg.Error,
    psycopg_pool.PoolTimeout,
    PersistenceError,
    sqlite3.Error,
    OSError,
)


def fail(message: str) -> typer.Exit:
    """Print `message` as one error line on stderr; raise the answer to exit 1."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def load_settings() -> Settings:
    """Settings from the environment; a bad value names its variable, never the value."""
    try:
        return Settings()
    except ValidationError as e:
        problems = "; ".join(
            f"LEDGER_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in e.errors(include_input=False, include_url=False)
        )
        raise fail(problems) from None


def current_settings() -> Settings:
    """The settings of the running command (built by `uses_store`), else fresh ones."""
    ctx = click.get_current_context(silent=True)
    settings = ctx.meta.get(_SETTINGS) if ctx else None
    return settings if isinstance(settings, Settings) else load_settings()


@contextmanager
def store_errors(settings: Settings | None) -> Iterator[None]:
    """Turn any store failure into one redacted `error:` line and exit status 1."""
    try:
        yield
    except STORE_FAILURES as e:
        reason = one_line(str(e) or type(e).__name__, *_password(settings))
        if not isinstance(e, StoreError) and settings is not None:
            reason = f"the store at {describe(settings.url)} failed: {reason}"
        raise fail(reason) from None


def _password(settings: Settings | None) -> tuple[str, ...]:
    if settings is None:
        return ()
    try:
        password = urlparse(settings.url).password
    except ValueError:
        return ()
    return (password, unquote(password)) if password else ()


@contextmanager
def ledger_service() -> Iterator[LedgerService]:
    """The ledger on the command's settings; a refused command exits 1 with the reason on stderr."""
    service = LedgerService(settings=current_settings())
    try:
        yield service
    except LedgerError as e:
        raise fail(e.detail) from None
    finally:
        service.close()


def uses_store(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command: build settings, announce and check the store, keep errors to one line."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        settings = load_settings()
        with store_errors(settings):
            typer.echo(f"store: {describe(settings.url)}", err=True)
            check_reachable(settings.url, settings.connect_timeout)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.meta[_SETTINGS] = settings
            return command(*args, **kwargs)

    return wrapper


__all__ = ["current_settings", "fail", "ledger_service", "load_settings", "out", "store_errors", "uses_store"]
