"""Backups of a SQLite store, taken while it serves, and restoring one.

`backup` copies the event store with SQLite's online backup API: a consistent
snapshot of the file as of one moment, taken page by page while writers carry on
(a writer's commit during the copy makes SQLite restart the copy, so what lands
is always one committed state). Only the event store is copied: the read models
are rebuilt from it, so a restore needs nothing else and cannot mix moments.
`restore` refuses to overwrite a store unless told to, copies the backup in with
the same API, and removes the read models' files so they are rebuilt from zero
on the next start (or by `ledger projections rebuild`).

PostgreSQL has its own tools, used as the README shows: `pg_dump -Fc` of the
ledger's schema while it serves (one consistent snapshot), and `pg_restore`.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from ledger.projections.registry import READ_MODELS
from ledger.store import StoreError, secure_sqlite_file, sqlite_path

PAGES_PER_STEP = 1024


class BackupRefused(StoreError):
    """A backup or restore that would be unsafe or is for another tool."""


def _sqlite_file(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise BackupRefused(
            "ledger backup and restore are for SQLite stores; "
            "on PostgreSQL use pg_dump -Fc and pg_restore (README: Operations)"
        )
    path = sqlite_path(url)
    if path == ":memory:":
        raise BackupRefused("an in-memory store has nothing to back up")
    return Path(path)


def backup(url: str, destination: Path) -> int:
    """Copy the store at `url` to `destination` (a new file, 0600) while it serves; its size in bytes."""
    source = _sqlite_file(url)
    if not source.exists():
        raise BackupRefused(f"there is no store at {source}")
    if destination.exists():
        raise BackupRefused(f"{destination} exists; choose a new file")
    secure_sqlite_file(destination)
    with closing(sqlite3.connect(source, timeout=10)) as src, closing(sqlite3.connect(destination)) as dst:
        src.backup(dst, pages=PAGES_PER_STEP)
    return destination.stat().st_size


def read_model_files(store: Path) -> list[Path]:
    """The files beside a SQLite store that hold its read models and their generation pointer."""
    patterns = [
        f"{store.stem}.readside.db*",
        *(f"{store.stem}.{name}.{shape}g*.db*" for name in READ_MODELS for shape in ("", "s*.")),
    ]
    return sorted({path for pattern in patterns for path in store.parent.glob(pattern)})


def restore(source: Path, url: str, replace: bool = False) -> list[Path]:
    """Make `source` (a backup) the store at `url`; the read-model files removed, to be rebuilt."""
    target = _sqlite_file(url)
    if not source.exists():
        raise BackupRefused(f"there is no backup at {source}")
    if target.exists() and target.stat().st_size and not replace:
        raise BackupRefused(f"{target} holds a store; stop the servers and pass --replace to overwrite it")
    with closing(sqlite3.connect(source)) as src:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused(f"{source} fails SQLite's integrity check")
        secure_sqlite_file(target)
        with closing(sqlite3.connect(target, timeout=10)) as dst:
            src.backup(dst)
    removed = read_model_files(target)
    for path in removed:
        path.unlink()
    return removed
