"""`ledger demo --reset`: start the demo again from an empty SQLite store.

An SQLite store is a handful of files: the event store named by
`LEDGER_DATABASE_URL`, one file per read model and generation beside it (named as
`ledger.projections.registry.view_env` names them, `ledger.balances.g1.db` beside
`ledger.db`), the read side's generation pointer (`ledger.readside.db`), and each
one's write-ahead log and shared-memory files. Removing them is the whole reset.

PostgreSQL is refused outright: the same URL may name a production database, and
a demo command is no place to drop one. Whoever means it can drop the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

from ledger.projections.registry import READ_MODELS
from ledger.store import persistence_env

SIDECARS = ("", "-wal", "-shm", "-journal")


class ResetRefused(Exception):
    """The store is not one the demo may remove (PostgreSQL, or SQLite in memory)."""


def store_files(url: str) -> list[Path]:
    """The files of the SQLite store at `url` that exist now: event store, read models, pointer."""
    env = persistence_env(url)
    if not env["PERSISTENCE_MODULE"].endswith("sqlite"):
        raise ResetRefused(
            "--reset only removes an SQLite store; it will not drop a PostgreSQL database "
            "(drop the schema yourself if you mean it)"
        )
    if env["SQLITE_DBNAME"] == ":memory:":
        raise ResetRefused("--reset needs an SQLite file, not an in-memory store")
    db = Path(env["SQLITE_DBNAME"])
    read_models = "|".join(re.escape(name) for name in READ_MODELS)
    beside = re.compile(rf"{re.escape(db.stem)}\.(?:(?:{read_models})(?:\.s\d+)?\.g\d+|readside)\.db")
    folder = db.parent if db.parent.is_dir() else None
    bases = [db, *(p for p in sorted(folder.iterdir() if folder else []) if beside.fullmatch(p.name))]
    candidates = [base.with_name(base.name + sidecar) for base in bases for sidecar in SIDECARS]
    return [path for path in candidates if path.exists()]


def remove_store(url: str) -> list[Path]:
    """Remove the store's files (see `store_files`) and say which were removed."""
    files = store_files(url)
    for path in files:
        path.unlink()
    return files
