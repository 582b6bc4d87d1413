"""The hashing rule of the whole-ledger proof, in the few lines the README repeats.

For each stored event, in increasing position (notification id):

    fingerprint = sha256(f"{position}\\n{originator_id.hex}\\n{version}\\n{topic}\\n".encode() + state)
    running     = sha256((previous_running + fingerprint).encode())      (both as 64 hex digits)

`state` is the stored bytes exactly as the store holds them (JSON), the originator
id is 32 lowercase hex digits, and the running hash starts at 64 zeros. Including
the position makes a reordering or a renumbering change the hash, not only an edit.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

from ledger.aggregates.checkpoints import FINGERPRINT_DIGITS

GENESIS = "0" * 64


def fingerprint(position: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    oid = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
    header = f"{position}\n{oid}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(header + bytes(state)).hexdigest()


def link(running: str, fingerprint_: str) -> str:
    return hashlib.sha256((running + fingerprint_).encode()).hexdigest()


def short(fingerprint_: str) -> str:
    """The prefix a segment keeps to locate a change."""
    return fingerprint_[:FINGERPRINT_DIGITS]
