"""The hash chain that lets an auditor prove a budget's history was not rewritten.

Each event stores the hash of the event before it (`prev_hash`) and its own
`hash`, a SHA-256 over a canonical JSON of its type, budget, version, recording
time, actor and data. Editing any stored event breaks its own hash; rewriting
the hash too breaks the next event's `prev_hash`. The head hash is shown with
the budget, so a client holding a receipt can also anchor the newest event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
#: fields that belong to the envelope, not to the hashed data
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "hash", "originator_topic"})
#: fields added to events after some were stored: an upcast gives old events `None`, and a `None`
#: here is left out of the hash, so an event stored before the field existed hashes as it did
LATER_FIELDS = frozenset(
    {
        "scheme_id",
        "scheme_version",
        "scheme",
        "lines",
        "meets",
        # providers: a spend that names none of these hashes as it did before the register
        "provider_id",
        "medical_tasks",
        "nights_override_reason",
    }
)


def dataclass_fields(value: Any) -> dict[str, Any]:
    """A value object's fields, without those its class added later (`later_fields`) while None,
    so an event stored before they existed hashes (and is stored) as it was."""
    later = getattr(type(value), "later_fields", ())
    return {
        f.name: v
        for f in dataclasses.fields(value)
        if (v := getattr(value, f.name)) is not None or f.name not in later
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclass_fields(value).items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _plain_leaf(value: Any) -> Any:
    """What `json.dumps` cannot write itself, written as `_plain` writes it (one rule, two speeds)."""
    if isinstance(value, Decimal):  # the commonest first: most leaves are money
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, UUID)):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclass_fields(value)
    raise TypeError(f"cannot hash a {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The canonical JSON of `value` as `_plain` would give it, without walking it first.

    The encoder calls `_plain_leaf` only for the values it cannot write, so the
    dicts, lists and strings of an event go through the C encoder untouched;
    sorted keys and no spaces make it canonical.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain_leaf)


def event_hash(
    event_type: str, budget_id: UUID, version: int, recorded_at: datetime, fields: dict[str, Any]
) -> str:
    data = {k: v for k, v in fields.items() if k not in ENVELOPE and not (k in LATER_FIELDS and v is None)}
    body = {
        "type": event_type,
        "budget": str(budget_id),
        "version": version,
        "recorded_at": recorded_at.isoformat(),
        "data": data,
    }
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def event_data(event: Any) -> dict[str, Any]:
    """An event's own fields, without the envelope (what the history shows as `data`)."""
    return {k: v for k, v in vars(event).items() if k not in ENVELOPE}


def recompute(event: Any) -> str:
    return event_hash(
        type(event).__name__,
        event.originator_id,
        event.originator_version,
        event.timestamp,
        event_data(event),
    )
