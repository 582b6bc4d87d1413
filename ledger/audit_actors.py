"""Who an actor was, in words: names resolved from the key ring when the record is read.

Events record only an actor's id (`key:<key id>`, or `cli`, `system`) and role, so
nothing personal is written into the permanent record; the key ring (`ledger.keys`)
holds each key's display name, and a reader asks it here. A key revoked since still
names its holder; an id the ring does not know (the command line, the demo) is named
for what it is.
"""

from __future__ import annotations

from ledger.application import Ledger
from ledger.keys import list_keys

KNOWN = {"cli": "the command line", "system": "the ledger itself"}


def actor_names(app: Ledger) -> dict[str, str]:
    """Every actor id the ledger can name: its keys' holders, and the built-in actors."""
    return {**KNOWN, **{f"key:{entry.key_id}": entry.name for entry in list_keys(app)}}
