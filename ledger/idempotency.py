"""Idempotent commands: a retried request answers what the first one did and records nothing.

The semantics are those of the IETF `Idempotency-Key` header draft. A request
that changes something may carry a key; the first time the key is used, the
command's events and an `IdempotencyRecord` (the request's fingerprint, the
answer's status and body) are saved in **one transaction**, so a record exists
exactly when the command's events do. A later request with the same key:

- and the same fingerprint (method, path and body) is answered from the record,
  saving nothing (`Replayed`);
- and another fingerprint is refused (`IdempotencyKeyReused`), saving nothing.

The record's id derives from where the key lives (the budget, or the route's own
scope), the API key that sent it, the method and route template, and the key
itself **exactly as sent**: `"abc"` (quoted) and `abc` are two keys. Two first
tries racing each other both try to create the same record; the event store's
primary key lets one win, and the loser's retry finds the record and replays it.

A command refused by a rule records nothing, so its key stays unused: a retry is
decided afresh (the draft leaves error answers to the server).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Repository
from eventsourcing.domain import Aggregate, event

from ledger import errors

NAMESPACE = uuid5(NAMESPACE_URL, "https://ledger.invalid/idempotency-record")
#: what a route makes of the command's aggregate and result: the JSON body of its answer
Render = Callable[[Any, Any], dict[str, Any]]


class IdempotencyRecord(Aggregate):
    """The first answer given to one idempotency key: saved with the command's own events."""

    @staticmethod
    def create_id(record_key: str) -> UUID:
        return uuid5(NAMESPACE, record_key)

    @event("Recorded")
    def __init__(self, record_key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        self.record_key = record_key
        self.fingerprint = fingerprint
        self.status = status
        self.body = body


class Replayed(Exception):
    """The request repeats one already done: answer `status` and `body` again, record nothing."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"replayed answer {status}")
        self.status = status
        self.body = body


def fingerprint(method: str, path: str, body: bytes, *extra: str) -> str:
    """The request as the key promises it: method, path and body (JSON compared by value)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except (ValueError, UnicodeDecodeError):
        canonical = body.hex()
    return hashlib.sha256("\n".join([method, path, canonical, *extra]).encode()).hexdigest()


@dataclass(frozen=True)
class Once:
    """One request that carried an idempotency key, and how to answer it."""

    scope: str  # the budget's id, or the route's own scope for a route with no budget
    key_id: str  # the API key that sent it
    route: str  # method and route template, e.g. "POST /v1/budgets/{budget_id}/spends"
    key: str  # exactly as sent
    fingerprint: str
    status: int  # the status of a successful answer
    render: Render = field(compare=False)

    @property
    def record_key(self) -> str:
        return "\x1f".join((self.scope, self.key_id, self.route, self.key))

    @property
    def record_id(self) -> UUID:
        return IdempotencyRecord.create_id(self.record_key)

    def check(self, repository: Repository[Any]) -> None:
        """Raise `Replayed` if this key answered this request before, or refuse another request.

        A record is one event, never snapshotted or changed, so its event is read alone: one
        query (the repository would first ask for a snapshot, a second round trip per write).
        """
        record: Any = next(iter(repository.event_store.get(self.record_id, limit=1)), None)
        if record is None:
            return
        if record.fingerprint != self.fingerprint:
            raise errors.IdempotencyKeyReused(
                f"The Idempotency-Key {self.key!r} was already used for another request to this route;"
                " send a new key for a new request."
            )
        raise Replayed(record.status, record.body)

    def record(self, aggregate: Any, result: Any) -> IdempotencyRecord:
        """The record to save with the command's events: the answer as it will be sent."""
        return IdempotencyRecord(
            record_key=self.record_key,
            fingerprint=self.fingerprint,
            status=self.status,
            body=self.render(aggregate, result),
        )


def records(once: Once | None, aggregate: Any, result: Any) -> tuple[IdempotencyRecord, ...]:
    """What to save beside `aggregate` for `once` (nothing without a key)."""
    return (once.record(aggregate, result),) if once else ()
