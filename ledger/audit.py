"""The audit trail: a budget's events in order, its state as of any moment, and the chain check.

All three read the event store itself, not a projection, so what an auditor
sees is exactly what was recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.aggregates.chain import GENESIS, event_data, recompute
from ledger.application import Ledger


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_failure: int | None
    head_hash: str


def budget_events(app: Ledger, budget_id: UUID, as_of: datetime | None = None) -> Iterator[Any]:
    event: Any
    for event in app.events.get(budget_id):
        if as_of is not None and event.timestamp > as_of:
            return
        yield event


def history(app: Ledger, actor: Actor, budget_id: UUID, as_of: datetime | None = None) -> list[Any]:
    app.read(actor, budget_id, "history")
    return list(budget_events(app, budget_id, as_of))


def state_as_of(
    app: Ledger,
    actor: Actor,
    budget_id: UUID,
    as_of: datetime | None = None,
    version: int | None = None,
) -> Budget:
    app.read(actor, budget_id, "state_as_of")
    if as_of is not None:
        versions = [e.originator_version for e in budget_events(app, budget_id, as_of)]
        if not versions:
            raise errors.BudgetNotFound(f"budget {budget_id} did not exist at {as_of.isoformat()}")
        version = versions[-1]
    if version is not None and version < 1:
        raise errors.InvalidInput("version counts from 1")
    budget = app.load(budget_id, version=version)
    # the store answers a version beyond the newest with the newest: that version never existed
    if version is not None and budget.version < version:
        raise errors.ItemNotFound(f"budget {budget_id} has no version {version} (it is at {budget.version})")
    return budget


def verify_chain(events: Sequence[Any]) -> Verification:
    """Recompute every hash and link; name the first version that fails."""
    previous = GENESIS
    for event in events:
        if event.prev_hash != previous or recompute(event) != event.hash:
            return Verification(False, event.originator_version, event.originator_version, previous)
        previous = event.hash
    return Verification(True, len(events), None, previous)


def verify(app: Ledger, actor: Actor, budget_id: UUID) -> Verification:
    app.read(actor, budget_id, "verify")
    return verify_chain(list(budget_events(app, budget_id)))


def describe(event: Any, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One history entry: type, version, time, actor (named from `names`), data and the chain hashes."""
    data = {k: v for k, v in event_data(event).items() if k not in ("actor_id", "actor_role", "prev_hash")}
    name = (names or {}).get(event.actor_id)
    return {
        "type": type(event).__name__,
        "version": event.originator_version,
        "recorded_at": event.timestamp,
        "actor": {"id": event.actor_id, "role": event.actor_role, "name": name},
        "data": data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
