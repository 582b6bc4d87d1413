"""The audit routes read the event store itself: state as it stood, and a chain that shows tampering."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from uuid import UUID

import psycopg

from tests.api.conftest import Api, open_body, problem_of


def test_state_as_of_a_time_before_the_budget_or_a_version_it_never_had_is_404(api: Api) -> None:
    budget_id = api.post("/v1/budgets", json=open_body()).json()["id"]
    before = datetime(2020, 1, 1, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    problem_of(api.get(f"/v1/budgets/{budget_id}/state", params={"as_of": before}), 404, "not-found")
    problem_of(api.get(f"/v1/budgets/{budget_id}/state", params={"version": 2}), 404, "not-found")
    assert api.get(f"/v1/budgets/{budget_id}/state", params={"version": 1}).json()["version"] == 1
    now = datetime.now(UTC).isoformat()
    time.sleep(0.001)
    assert api.get(f"/v1/budgets/{budget_id}/state", params={"as_of": now}).json()["version"] == 1
    history = api.get(f"/v1/budgets/{budget_id}/history", params={"as_of": before}).json()
    assert history == {"events": [], "next_cursor": None}


def _tamper(store_url: str, budget_id: str, version: int, old: str, new: str) -> None:
    """Rewrite one stored event behind the ledger's back, as an intruder with database access would."""
    if store_url.startswith("sqlite"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as conn:
            conn.execute(
                "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB) "
                "WHERE originator_id = ? AND originator_version = ?",
                (old, new, UUID(budget_id).hex, version),
            )
        return
    schema = store_url.split("schema=")[1]
    with psycopg.connect(store_url.split("?")[0], autocommit=True) as conn:
        conn.execute(
            f"UPDATE {schema}.ledger_events "
            "SET state = convert_to(replace(convert_from(state, 'UTF8'), %s, %s), 'UTF8') "
            "WHERE originator_id = %s AND originator_version = %s",
            (old, new, UUID(budget_id), version),
        )


def test_verification_names_the_first_event_that_was_rewritten(api: Api, store_url: str) -> None:
    budget_id = api.post("/v1/budgets", json=open_body()).json()["id"]
    path = f"/v1/budgets/{budget_id}"
    api.post(path + "/allocation", json={"amounts": {"social_care": "600.00"}, "rationale": "flat"})
    api.post(
        path + "/reviews",
        json={"reviewed_on": "2026-05-01", "summary": "ok", "next_review_due": "2026-11-01"},
    )
    assert api.get(path + "/verification", "auditor").json()["ok"] is True
    _tamper(store_url, budget_id, 2, '"600.00"', '"6000.00"')
    verification = api.get(path + "/verification", "auditor").json()
    assert (verification["ok"], verification["first_failure"]) == (False, 2)
