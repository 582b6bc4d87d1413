"""Where the events live: one setting, `LEDGER_DATABASE_URL`, mapped onto the library's.

`sqlite:///data/ledger.db` (the default) needs nothing installed;
`postgresql://user:password@host:port/db?schema=name` is production. Tables are
created on first use. The transcodings teach the library's JSON transcoder the
ledger's own types (dates and the state dataclasses kept in snapshots).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from eventsourcing.persistence import Transcoder, Transcoding

from ledger.aggregates.keyring import KeyEntry
from ledger.aggregates.state import STATE_TYPES

DEFAULT_URL = "sqlite:///data/ledger.db"


def database_url(env: dict[str, str] | None = None) -> str:
    source = os.environ if env is None else env
    return source.get("LEDGER_DATABASE_URL") or DEFAULT_URL


def persistence_env(url: str) -> dict[str, str]:
    """The `eventsourcing` settings for a database URL."""
    parsed = urlparse(url)
    common = {"CREATE_TABLE": "y", "IS_SNAPSHOTTING_ENABLED": "y"}
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path or ":memory:",
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        env = {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            # the library waits forever for its table lock unless told otherwise
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        return env
    raise ValueError(f"LEDGER_DATABASE_URL must be sqlite:/// or postgresql://, not {url!r}")


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
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def register_ledger_transcodings(transcoder: Transcoder) -> None:
    transcoder.register(DateAsISO())  # type: ignore[attr-defined]
    for cls in (*STATE_TYPES, KeyEntry):
        transcoder.register(DataclassAsDict(cls))  # type: ignore[attr-defined]
