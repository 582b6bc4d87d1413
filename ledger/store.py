"""Where the events live: one URL (`Settings.url`) mapped onto the library's settings.

`sqlite:///path/to/ledger.db` needs nothing installed (the default is a file in the
data folder, see `ledger.settings`); `postgresql://user:password@host:port/db?schema=name`
is production. Tables are created on first use. The transcodings teach the library's
JSON transcoder the ledger's own types (dates and the state dataclasses kept in snapshots).

A URL may hold a password, so nothing here ever puts a whole URL into an error:
`redact` is what gets printed. A SQLite store is created readable by its owner only
(file 0600, a folder we create 0700) whatever the umask, because it holds family
references and key hashes; SQLite gives its -wal and -shm files the same mode.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import psycopg
from eventsourcing.persistence import Transcoder, Transcoding

from ledger.aggregates.chain import dataclass_fields
from ledger.aggregates.commitments import COMMITMENT_TYPES
from ledger.aggregates.keyring import KeyEntry
from ledger.aggregates.plan_state import PLAN_STATE_TYPES
from ledger.aggregates.state import STATE_TYPES

POSTGRES_SCHEMES = ("postgresql", "postgres")
DEFAULT_CONNECT_TIMEOUT = 5
POSTGRES_FACTORY = "ledger.ops.tables:LockingPostgresFactory"


class StoreError(ValueError):
    """The store cannot be used; the message is one line and never holds a password."""


class StoreURLError(StoreError):
    """LEDGER_DATABASE_URL is not a `sqlite:///` or `postgresql://` URL the ledger can use."""


class StoreUnreachable(StoreError):
    """The PostgreSQL server named by the URL did not answer within the connect timeout."""


def redact(url: str) -> str:
    """`url` with its password replaced by `***` (safe to print), however mistyped.

    Whatever stands before the last `@` is taken for credentials, with or without a
    well-formed `scheme://`, so `postgres:user:pw@host` and `postgresql:/user:pw@host`
    lose their password too (urllib finds no password in those).
    """
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{head}{sep}{user}:***@{host}"


def describe(url: str) -> str:
    """The store as one printable line: the redacted URL, a SQLite file as an absolute path."""
    if url.startswith("sqlite://"):
        path = sqlite_path(url)
        return f"sqlite:///{Path(path).absolute()}" if path != ":memory:" else redact(url)
    return redact(url)


def sqlite_path(url: str) -> str:
    path = unquote(urlparse(url).path)
    path = path[1:] if path.startswith("/") else path
    return path or ":memory:"


def persistence_env(url: str, connect_timeout: int = DEFAULT_CONNECT_TIMEOUT) -> dict[str, str]:
    """The `eventsourcing` settings for a database URL."""
    scheme = _scheme(url)
    common = {"CREATE_TABLE": "y", "IS_SNAPSHOTTING_ENABLED": "y"}
    if scheme == "sqlite":
        path = sqlite_path(url)
        if path != ":memory:":
            secure_sqlite_file(Path(path))
        return {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if scheme in POSTGRES_SCHEMES:
        return {**common, **_postgres_env(url, connect_timeout)}
    head = url.partition("://")[0] if "://" in url else ""
    named = f", not {head}://" if head.isascii() and head.isalpha() and len(head) <= 20 else ""
    raise StoreURLError(f"LEDGER_DATABASE_URL must start with sqlite:/// or postgresql://{named}")


def _scheme(url: str) -> str:
    """`sqlite` or `postgresql`/`postgres` when `url` starts `scheme://` and parses; else ''."""
    head, sep, _ = url.partition("://")
    if not sep or head not in ("sqlite", *POSTGRES_SCHEMES):
        return ""
    try:
        urlparse(url)
    except ValueError:  # e.g. an unclosed [IPv6] host: its message is safe, but say which setting
        raise StoreURLError("LEDGER_DATABASE_URL is not a URL the ledger can read: check its host") from None
    return head


def _postgres_env(url: str, connect_timeout: int) -> dict[str, str]:
    parsed = urlparse(url)
    try:
        port = parsed.port or 5432
    except ValueError:  # its message is safe, but a port is easier to fix when named
        raise StoreURLError(
            f"LEDGER_DATABASE_URL has a bad port for host {parsed.hostname}: use a number 1-65535"
        ) from None
    query = parse_qs(parsed.query)
    env = {
        # the library's factory, creating tables under one advisory lock (ledger.ops.tables)
        "PERSISTENCE_MODULE": POSTGRES_FACTORY,
        # the pool checks a connection before handing it out, so none dead after an outage
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_DBNAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        # the library waits 30 s for a pooled connection, and forever for its table lock
        "POSTGRES_CONNECT_TIMEOUT": str(connect_timeout),
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "2",  # opened at start; more on demand up to 15 (README: Operations)
        "POSTGRES_MAX_OVERFLOW": "13",
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    return env


def check_reachable(url: str, connect_timeout: int = DEFAULT_CONNECT_TIMEOUT) -> None:
    """Fail fast, in one line naming the host, when the store cannot be opened.

    The library's pool would otherwise retry in the background for its whole timeout
    and end in a traceback; a direct connection with libpq's own timeout answers in
    seconds with the reason (refused, unknown host, authentication failed...).
    """
    env = persistence_env(url, connect_timeout)
    if env["PERSISTENCE_MODULE"] != POSTGRES_FACTORY:
        return
    where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
    try:
        psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=connect_timeout,
        ).close()
    except psycopg.Error as e:
        reason = one_line(str(e), env["POSTGRES_PASSWORD"])
        raise StoreUnreachable(f"cannot connect to PostgreSQL at {where}: {reason}") from None


def one_line(message: str, *secrets: str) -> str:
    """The first non-empty line of `message`, with every secret blanked."""
    line = next((part.strip() for part in message.splitlines() if part.strip()), "")
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return line


def secure_sqlite_file(path: Path) -> None:
    """Create the store file 0600 (and its folder 0700 if we make it), whatever the umask."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is filtered through the umask
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_uid == os.geteuid():
        path.chmod(0o600)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    """Any of the ledger's plain dataclasses, field by field (nested values recurse)."""

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = f"ledger.{cls.__name__}"

    def encode(self, obj: Any) -> dict[str, Any]:
        return dataclass_fields(obj)  # a field added later is stored only once it holds something

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def register_ledger_transcodings(transcoder: Transcoder) -> None:
    transcoder.register(DateAsISO())  # type: ignore[attr-defined]
    for cls in (*STATE_TYPES, *PLAN_STATE_TYPES, *COMMITMENT_TYPES, KeyEntry):
        transcoder.register(DataclassAsDict(cls))  # type: ignore[attr-defined]
