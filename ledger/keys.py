"""Creating, listing, revoking and checking API keys (the key ring lives in the ledger).

Every request checks its key, so `authenticate` keeps a decoded copy of the ring per
ledger and asks the store only whether the ring has a newer event (one indexed
`SELECT ... LIMIT 1`, as the library's fast-forward did) before using it: a key
made or revoked in any process counts from the next request, as before, without
the deep copy of the whole ring that loading it through the repository made.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates.actor import Actor
from ledger.aggregates.keyring import KEYRING_ID, KeyEntry, KeyRing
from ledger.application import Ledger

KEY_PREFIX = "ibl_"


def _keyring(app: Ledger) -> KeyRing:
    try:
        ring: Any = app.repository.get(KEYRING_ID)
    except AggregateNotFoundError:
        ring = KeyRing()
        try:
            app.save(ring)
        except IntegrityError:  # another process made it first
            ring = app.repository.get(KEYRING_ID)
    assert isinstance(ring, KeyRing)
    return ring


def create_key(
    app: Ledger,
    role: str,
    name: str,
    org: str | None = None,
    family: str | None = None,
    by: str = "cli",
    expires_at: datetime | None = None,
) -> tuple[str, str]:
    """Make a key; returns (key id, secret). The secret is shown once and never stored."""
    for _ in range(5):
        ring = _keyring(app)
        key_id = secrets.token_hex(4)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        ring.add(key_id, secret, name, role, org, family, by, expires_at)
        try:
            app.save(ring)
        except IntegrityError:
            continue
        return key_id, secret
    raise RuntimeError("the key ring kept changing; try again")


def list_keys(app: Ledger) -> list[KeyEntry]:
    """Every key, with the day it was last used (from `ledger.key_use`)."""
    used = app.key_use.last_used()
    return [replace(e, last_used_on=used.get(e.key_id)) for e in _keyring(app).entries.values()]


def revoke_key(app: Ledger, key_id: str, reason: str, by: str = "cli") -> None:
    ring = _keyring(app)
    ring.revoke(key_id, reason, by)
    app.save(ring)


#: per ledger, a ring decoded here and never mutated after: readers share it, a newer one replaces it
_held: weakref.WeakKeyDictionary[Ledger, KeyRing] = weakref.WeakKeyDictionary()
_loading = threading.Lock()


def _current_ring(app: Ledger) -> KeyRing | None:
    """The ring as stored now: the held copy unless the store has an event after it."""
    held = _held.get(app)
    if held is not None and not app.recorder.select_events(KEYRING_ID, gt=held.version, limit=1):
        return held
    with _loading:
        try:
            ring: Any = app.repository.get(KEYRING_ID)  # a deep copy of the library's cached ring
        except AggregateNotFoundError:
            return None
        _held[app] = ring
    return ring  # type: ignore[no-any-return]


def authenticate(app: Ledger, secret: str, now: datetime | None = None) -> Actor | None:
    """The actor of a live key (not revoked, not expired), noting its use once a day; else None."""
    if not secret.startswith(KEY_PREFIX):
        return None
    now = now or datetime.now(UTC)
    ring = _current_ring(app)
    if ring is None:
        return None
    entry: KeyEntry | None = ring.entry_for(secret, now)
    if entry is None:
        return None
    app.key_use.note(entry.key_id, now.date())
    return entry.actor()


__all__ = ["authenticate", "create_key", "list_keys", "revoke_key"]
