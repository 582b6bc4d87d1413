"""A budget event's chain hash recomputed from its stored JSON, without building the event.

The same rule as `ledger.aggregates.chain` (and the README), applied to what the store
holds: typed values (`{"_type_": T, "_data_": D}`) read as their text `D`, a UUID
dashed. It is an accelerator for whole-ledger verification (about five times faster
than decoding each event and walking its dataclasses); a mismatch is always checked
again through the domain's own rule before anything is reported.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ledger.aggregates.chain import LATER_FIELDS

ENVELOPE = frozenset({"timestamp", "hash", "originator_topic", "class_version"})


def _typed_as_text(obj: dict[str, Any]) -> Any:
    if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
        data = obj["_data_"]
        if obj["_type_"] == "uuid_hex":
            return dashed(data)
        return data
    return obj


def dashed(hex_: str) -> str:
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def canonical(topic: str, budget_hex: str, version: int, stored: dict[str, Any]) -> str:
    """The JSON the chain hashes, from a stored event read with `_typed_as_text`."""
    body = {
        "type": topic.rpartition(":")[2],
        "budget": dashed(budget_hex),
        "version": version,
        "recorded_at": stored["timestamp"],
        "data": {
            k: v for k, v in stored.items() if k not in ENVELOPE and not (k in LATER_FIELDS and v is None)
        },
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_stored(state: bytes) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(state, object_hook=_typed_as_text)
    return stored


def stored_links(topic: str, budget_hex: str, version: int, state: bytes) -> tuple[str, str, str] | None:
    """(prev_hash, recorded hash, recomputed hash) of a stored Budget event; None if unreadable."""
    try:
        stored = read_stored(state)
        text = canonical(topic, budget_hex, version, stored)
        return stored["prev_hash"], stored["hash"], hashlib.sha256(text.encode()).hexdigest()
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
