"""The README's hashing rules, recomputed from the stored rows with nothing of the ledger's code.

This module imports only `sqlite3`, `json` and `hashlib` (and pytest): an auditor
in another language needs no more. It recomputes the running hash to the
checkpoint the API made, and every budget's own chain from the stored JSON.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

import pytest

BUDGET_EVENTS = "ledger.aggregates.events:"
ENVELOPE = {"originator_id", "originator_version", "timestamp", "hash", "originator_topic", "class_version"}
#: fields added to events later: a null one is left out (so events stored before them hash as they did)
LATER = {
    "scheme_id",
    "scheme_version",
    "scheme",
    "lines",
    "meets",
    "provider_id",
    "medical_tasks",
    "nights_override_reason",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rows(path: str) -> list[tuple[int, str, int, str, bytes]]:
    with sqlite3.connect(path) as conn:
        sql = (
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        )
        return list(conn.execute(sql))


def running_hash(path: str, up_to: int) -> str:
    running = "0" * 64
    for position, oid, version, topic, state in rows(path):
        if position > up_to:
            break
        fingerprint = sha256(f"{position}\n{oid}\n{version}\n{topic}\n".encode() + state)
        running = sha256((running + fingerprint).encode())
    return running


def plain(value: Any) -> Any:
    """The stored JSON's typed values ({"_type_", "_data_"}) as the chain hashes them: their text."""
    if isinstance(value, dict) and set(value) == {"_type_", "_data_"}:
        if value["_type_"] == "uuid_hex":
            h = value["_data_"]
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        return plain(value["_data_"])
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def budget_chain_ok(path: str) -> int:
    """Recompute every budget event's hash and link; answer how many were checked."""
    heads: dict[str, str] = {}
    checked = 0
    for _, oid, version, topic, state in rows(path):
        if not topic.startswith(BUDGET_EVENTS):
            continue
        stored = json.loads(state)
        budget = f"{oid[:8]}-{oid[8:12]}-{oid[12:16]}-{oid[16:20]}-{oid[20:]}"
        body = {
            "type": topic.split(":")[1],
            "budget": budget,
            "version": version,
            "recorded_at": plain(stored["timestamp"]),
            "data": {
                k: plain(v) for k, v in stored.items() if k not in ENVELOPE and not (k in LATER and v is None)
            },
        }
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert sha256(canonical.encode()) == stored["hash"], (budget, version)
        assert stored["prev_hash"] == heads.get(budget, "0" * 64), (budget, version)
        heads[budget] = stored["hash"]
        checked += 1
    return checked


def test_the_documented_rules_recompute_the_checkpoint_and_every_chain(api: Any, store_url: str) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file with the standard library alone")
    budget = api.post(
        "/v1/budgets",
        json={
            "reference": "BH-RULE-1",
            "family_ref": "FAM-001",
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "management": "direct_payment",
        },
    ).json()["id"]
    path = f"/v1/budgets/{budget}"
    api.post(path + "/allocation", json={"amounts": {"social_care": "600.00"}, "rationale": "flat"})
    api.post(path + "/instalments", json={"amount": "600.00", "due_on": "2026-04-01", "gated": False})
    api.post(path + "/instalments/1/release")
    spend = {"amount": "12.50", "category": "personal_assistant", "provider": "PA Co"}
    spend |= {"service_date": "2026-05-02", "description": "Saturday"}
    api.post(path + "/spends", json=spend, headers={"Idempotency-Key": "k1"})
    kept = api.post("/v1/ledger/checkpoints", "auditor").json()
    db = store_url.removeprefix("sqlite:///")
    assert running_hash(db, kept["position"]) == kept["hash"]
    assert budget_chain_ok(db) == 5
    head = api.get("/v1/ledger/verification", "auditor").json()
    assert running_hash(db, head["position"]) == head["hash"]
