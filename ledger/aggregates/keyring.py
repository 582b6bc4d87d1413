"""API keys: only their SHA-256 hashes are kept, in one event-sourced key ring.

The key ring is an aggregate like any other, so creating and revoking keys is
itself on the record (who, when, why). Keys are 256-bit random tokens, so a
plain SHA-256 is enough to store them; comparison is constant-time.

A key may expire (`KeyExpires`, recorded with its creation): from that moment it
is refused like a revoked one. When a key was last used is not kept here but in a
side table (`ledger.key_use`): it is not a fact about the key ring worth an event.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.text import check_fields
from ledger.aggregates.vocabulary import Role, check_choice

KEYRING_ID: UUID = uuid5(NAMESPACE_URL, "https://ledger.invalid/keyring")


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class KeyEntry:
    key_id: str
    key_hash: str
    name: str
    role: str
    org: str | None
    family: str | None
    created_at: datetime
    revoked: bool = False
    expires_at: datetime | None = None
    last_used_on: date | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def actor(self) -> Actor:
        return Actor(id=f"key:{self.key_id}", role=self.role, org=self.org, family=self.family)


class KeyRing(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return KEYRING_ID

    @event("Created")
    def __init__(self) -> None:
        self.entries: dict[str, KeyEntry] = {}

    def add(
        self,
        key_id: str,
        secret: str,
        name: str,
        role: str,
        org: str | None,
        family: str | None,
        by: str,
        expires_at: datetime | None = None,
    ) -> None:
        check_choice("role", role, Role)
        check_fields({"name": name, "org": org, "family": family})
        if role == "broker" and not org:
            raise errors.InvalidInput("a broker key is bound to an organisation (--org)")
        if role == "family" and not family:
            raise errors.InvalidInput("a family key is bound to a family reference (--family)")
        now = datetime.now(UTC)
        if expires_at is not None and (expires_at.tzinfo is None or expires_at <= now):
            raise errors.InvalidInput("a key's expiry is a time with a zone, in the future")
        self._added(key_id, hash_key(secret), name, role, org, family, by, now)
        if expires_at is not None:
            self._expires(key_id, expires_at)

    @event("KeyAdded")
    def _added(
        self,
        key_id: str,
        key_hash: str,
        name: str,
        role: str,
        org: str | None,
        family: str | None,
        by: str,
        created_at: datetime,
    ) -> None:
        self.entries[key_id] = KeyEntry(key_id, key_hash, name, role, org, family, created_at)

    @event("KeyExpires")
    def _expires(self, key_id: str, expires_at: datetime) -> None:
        self.entries[key_id].expires_at = expires_at

    def revoke(self, key_id: str, reason: str, by: str) -> None:
        if key_id not in self.entries:
            raise errors.ItemNotFound(f"no key {key_id}")
        self._revoked(key_id, reason, by)

    @event("KeyRevoked")
    def _revoked(self, key_id: str, reason: str, by: str) -> None:
        self.entries[key_id].revoked = True

    def authenticate(self, secret: str, now: datetime | None = None) -> Actor | None:
        entry = self.entry_for(secret, now or datetime.now(UTC))
        return entry.actor() if entry else None

    def entry_for(self, secret: str, now: datetime) -> KeyEntry | None:
        """The live (not revoked, not expired) entry of `secret`, or None."""
        digest = hash_key(secret)
        found = None
        for entry in self.entries.values():  # every entry compared: no early exit to time
            if hmac.compare_digest(entry.key_hash, digest) and not entry.revoked and not entry.expired(now):
                found = entry
        return found
