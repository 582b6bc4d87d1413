"""A large ledger, fast: one budget's real events, cloned with fresh ids and their chains rehashed.

Running a million commands through the aggregate takes many minutes on a shared
2-core machine. Every budget here is instead a copy of one budget built by real
commands (`benchmarks.projection_rebuild.budget_events`), under a new id and
reference, its hash chain recomputed for that id by the chain's rule (string
templates of the canonical JSON, so one SHA-256 per event). Whole-ledger
verification then checks every clone's chain like any other budget's.
"""

from __future__ import annotations

import hashlib
import time
import uuid

from eventsourcing.persistence import StoredEvent

from benchmarks.projection_rebuild import budget_events
from ledger.aggregates.chain import GENESIS
from ledger.proof.rawchain import canonical, read_stored
from ledger.use_cases import LedgerService

PER_BUDGET = 100
BATCH = 1_000  # PostgreSQL pipelines each insert: far larger batches stall on a loaded server


def templates(app: LedgerService, per_budget: int = PER_BUDGET) -> list[tuple[str, str, str]]:
    """(topic, stored state, canonical JSON) of one budget, with @B@ @P@ @H@ @N@ placeholders."""
    events = budget_events(0, per_budget - 4)
    out = []
    for event in events:
        stored = app.mapper.to_stored_event(event)  # type: ignore[arg-type]
        budget_hex = uuid.UUID(str(stored.originator_id)).hex
        fields = read_stored(stored.state)
        text = canonical(stored.topic, budget_hex, stored.originator_version, fields)
        assert hashlib.sha256(text.encode()).hexdigest() == fields["hash"]
        state = stored.state.decode()
        for old, new in ((fields["hash"], "@H@"), (fields["prev_hash"], "@P@"), ("0000000", "@N@")):
            state, text = state.replace(old, new), text.replace(old, new)
        text = text.replace(f'"budget":"{uuid.UUID(budget_hex)}"', '"budget":"@B@"')
        out.append((stored.topic, state, text))
    return out


def bulk_seed(app: LedgerService, total: int, per_budget: int = PER_BUDGET) -> float:
    """Seconds to write `total` events as budgets of `per_budget` events (the issue's national
    ledger is 5,000,000 events over 100,000 budgets: 50 each)."""
    started = time.perf_counter()
    shapes = templates(app, per_budget)
    pending: list[StoredEvent] = []
    for k in range(1, total // per_budget + 1):
        budget, number, prev = uuid.uuid4(), f"{k:07d}", GENESIS
        for version, (topic, state, text) in enumerate(shapes, start=1):
            text = text.replace("@B@", str(budget)).replace("@P@", prev).replace("@N@", number)
            digest = hashlib.sha256(text.encode()).hexdigest()
            state = state.replace("@P@", prev).replace("@H@", digest).replace("@N@", number)
            pending.append(StoredEvent(budget, version, topic, state.encode()))
            prev = digest
        if len(pending) >= BATCH:
            app.recorder.insert_events(pending)
            pending = []
    if pending:
        app.recorder.insert_events(pending)
    return time.perf_counter() - started
