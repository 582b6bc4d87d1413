"""Erasure of a family's free text (`POST /v1/families/{family_ref}/erasure`), on both stores.

A family's text is written through the API (so idempotency records and read models
hold it too), then erased. The store's raw bytes (every file on SQLite, every row
of every table of the schema on PostgreSQL) never hold the plaintext, and after the
erasure not the key either; every answer shows the text as erased; amounts,
categories and both proofs stay; the other family's text is untouched.
"""

from __future__ import annotations

import glob
import json
import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from ledger import audit
from ledger.erasure import erase_family_text
from ledger.use_cases import LedgerService
from tests.api.conftest import Api, problem_of, spend_body
from tests.builders import open_funded_budget
from tests.conftest import ADMIN, AUDITOR, CASEWORKER

ERASE = "/v1/families/{}/erasure"


@dataclass(frozen=True)
class Family:
    ref: str
    budget: UUID
    secrets: list[str]  # each piece of free text written, unique to this test


def raw_store(service: LedgerService) -> bytes:
    """Everything the store holds, as bytes: every file of SQLite's, every row of PostgreSQL's schema."""
    url = service.url
    if url.startswith("sqlite"):
        base = url.removeprefix("sqlite:///")
        return b"".join(open(path, "rb").read() for path in sorted(glob.glob(base + "*")))
    dsn, schema = url.split("?")[0], url.split("schema=")[1]
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
            )
        ]
        rows = [
            str(row) for table in tables for row in conn.execute(f'SELECT t::text FROM {schema}."{table}" t')
        ]
    return "\n".join(rows).encode()


def family_with_text(api: Api, ref: str) -> Family:
    """A budget of family `ref` with text of every kind (the support plan's, the panel's and the
    review's ratings' too), written through the API with idempotency keys."""
    tag = uuid.uuid4().hex[:8]
    secrets = [
        f"{word}-{tag}"
        for word in (
            *("swim", "asthma", "school", "upset", "calmer", "abroad", "sorted"),
            *("outcome", "panel", "package", "rated", "revised"),
        )
    ]
    budget = open_funded_budget(api.service, family_ref=ref)
    key = {"Idempotency-Key": f"k-{tag}"}
    b = f"/v1/budgets/{budget}"
    spend = api.post(b + "/spends", json=spend_body(description=f"Saturday {secrets[0]}"), headers=key)
    assert spend.status_code == 201, spend.text
    spend_id = spend.json()["spend_id"]
    writes = [
        (
            b + "/monitoring-returns",
            {
                "period_start": "2026-04-01",
                "period_end": "2026-09-30",
                "declared_spent": "40.00",
                "notes": f"inhaler {secrets[1]}",
            },
        ),
        (b + "/disputes", {"subject": "spend", "subject_ref": spend_id, "grounds": f"at {secrets[2]}"}),
        (b + "/spends/" + spend_id + "/reversal", {"reason": f"child {secrets[3]}"}),
        (
            b + "/support-plan",
            {
                "outcomes": [{"id": "O1", "text": f"a break {secrets[7]}"}],
                "planned": [{"category": "personal_assistant", "amount": "10.00"}],
                "agreed_on": "2026-04-20",
                "next_review_due": "2026-10-20",
            },
        ),
        (
            b + "/support-plan/revisions",
            {
                "outcomes": [{"id": "O1", "text": f"a break {secrets[7]}"}],
                "planned": [{"category": "personal_assistant", "amount": "20.00"}],
                "agreed_on": "2026-05-20",
                "next_review_due": "2026-10-20",
                "reason": f"more hours {secrets[11]}",
            },
        ),
        (
            b + "/panel-decisions",
            {
                "panel_date": "2026-04-25",
                "reference": "RP-1",
                "chair_role": "head of service",
                "amount": "1200.00",
                "notes": f"agreed {secrets[8]}",
            },
        ),
        (b + "/previous-package", {"cost": "900.00", "entry_route": "existing_user", "notes": secrets[9]}),
        (
            b + "/reviews",
            {
                "reviewed_on": "2026-10-01",
                "summary": f"much {secrets[4]}",
                "next_review_due": "2027-04-01",
                "outcomes": [{"outcome_id": "O1", "rating": "met", "note": f"weekly {secrets[10]}"}],
            },
        ),
        (b + "/suspension", {"reason": f"family {secrets[5]}"}),
        (b + "/disputes/D1/resolution", {"outcome": "upheld", "resolution": f"all {secrets[6]}"}),
    ]
    for path, body in writes:
        answer = api.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code in (200, 201), (path, answer.text)
    api.service.take_snapshot(budget)  # a snapshot holds the budget's state, text and all
    return Family(ref, budget, secrets)


def answers_of(api: Api, family: Family) -> str:
    """Every answer that shows the budget's text: JSON, CSV and HTML, as one string."""
    b = f"/v1/budgets/{family.budget}"
    answers = [
        api.get(b, "auditor"),
        api.get(b + "/history", "auditor"),
        api.get(b + "/spends", "auditor"),
        api.get(b + "/monitoring-returns", "auditor"),
        api.get(b + "/statement", "auditor"),
        api.get(b + "/statement", "auditor", headers={"Accept": "text/csv"}),
        api.get(b + "/dispute-pack", "auditor"),
        api.get(b + "/dispute-pack", "auditor", headers={"Accept": "text/html"}),
        api.get(b + "/plan-vs-actual", "auditor"),
    ]
    assert [a.status_code for a in answers] == [200] * len(answers), [a.text for a in answers]
    texts = [a.text for a in answers]
    return "\n".join(texts)


def figures(api: Api, family: Family) -> dict[str, Any]:
    budget = api.get(f"/v1/budgets/{family.budget}", "auditor").json()
    spends = api.get(f"/v1/budgets/{family.budget}/spends", "auditor").json()
    return {
        "balances": budget["balances"],
        "spends": [(s["amount"], s["category"], s["service_date"]) for s in spends["items"]],
    }


def test_erasure_leaves_the_text_unreadable_everywhere_and_every_figure_and_proof_intact(
    live_api: Api,
) -> None:
    api = live_api
    mine = family_with_text(api, f"FAM-E-{uuid.uuid4().hex[:6]}")
    other = family_with_text(api, f"FAM-O-{uuid.uuid4().hex[:6]}")
    shown = answers_of(api, mine)
    assert all(secret in shown for secret in mine.secrets), shown  # readable before
    before = figures(api, mine)
    kept = api.post("/v1/ledger/checkpoints", "auditor").json()
    api.client.app.state.read_side.wait(kept["position"])  # type: ignore[attr-defined]
    raw = raw_store(api.service)
    assert not [s for s in mine.secrets + other.secrets if s.encode() in raw]  # sealed from the start

    erased = api.post(ERASE.format(mine.ref), "admin", json={"reason": "erasure request 4411"})

    assert erased.status_code == 200, erased.text
    assert erased.json()["budgets"] == [str(mine.budget)] and erased.json()["keys_destroyed"] == 1
    shown = answers_of(api, mine)
    assert not [s for s in mine.secrets if s in shown]
    assert "[erased " in shown
    assert figures(api, mine) == before  # amounts and categories remain
    assert all(secret in answers_of(api, other) for secret in other.secrets)  # other family untouched
    raw = raw_store(api.service)
    assert not [s for s in mine.secrets + other.secrets if s.encode() in raw]
    chain = api.get(f"/v1/budgets/{mine.budget}/verification", "auditor").json()
    assert chain["ok"], chain
    params = {"checkpoint_position": kept["position"], "checkpoint_hash": kept["hash"]}
    whole = api.get("/v1/ledger/verification", "auditor", params=params).json()
    assert whole["ok"], whole
    history = api.get(f"/v1/budgets/{mine.budget}/history", "auditor").json()["events"]
    last = history[-1]
    assert last["type"] == "FamilyTextErased" and last["actor"]["role"] == "admin"
    assert last["data"]["reason"] == "erasure request 4411"


def test_the_destroyed_key_leaves_the_store_files_not_only_its_row(api: Api) -> None:
    family = family_with_text(api, "FAM-KEY")
    (row,) = [r for r in _keys(api.service) if r["budget_id"] == str(family.budget)]
    key = bytes.fromhex(row["key"])
    assert row["key"].encode() in raw_store(api.service)
    assert api.post(ERASE.format("FAM-KEY"), "admin", json={"reason": "request 7"}).status_code == 200
    raw = raw_store(api.service)
    assert row["key"].encode() not in raw and key not in raw
    assert [r["key"] for r in _keys(api.service) if r["budget_id"] == str(family.budget)] == [None]


def _keys(service: LedgerService) -> list[dict[str, Any]]:
    keys = service.text_keys
    return keys._run(keys.table.select(), fetch=True)


def test_a_second_erasure_is_recorded_and_destroys_only_keys_made_since(api: Api) -> None:
    family = family_with_text(api, "FAM-TWICE")
    first = api.post(ERASE.format("FAM-TWICE"), "admin", json={"reason": "request 1"})
    again = api.post(ERASE.format("FAM-TWICE"), "admin", json={"reason": "request 1, again"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["keys_destroyed"], again.json()["keys_destroyed"]) == (1, 0)
    b = f"/v1/budgets/{family.budget}"
    resumed = api.post(b + "/resumption", json={"reason": "back from abroad-new"})
    assert resumed.status_code == 200, resumed.text
    assert "back from abroad-new" in api.get(b + "/history", "auditor").text  # new text, a new key
    third = api.post(ERASE.format("FAM-TWICE"), "admin", json={"reason": "request 2"})
    assert third.json()["keys_destroyed"] == 1
    history = api.get(b + "/history", "auditor").json()["events"]
    assert [e["data"]["reason"] for e in history if e["type"] == "FamilyTextErased"] == [
        "request 1",
        "request 1, again",
        "request 2",
    ]
    assert "back from abroad-new" not in api.get(b + "/history", "auditor").text


def test_a_retried_erasure_with_its_key_is_answered_again_and_records_nothing(api: Api) -> None:
    family_with_text(api, "FAM-RETRY")
    key = {"Idempotency-Key": "erase-1"}
    first = api.post(ERASE.format("FAM-RETRY"), "admin", json={"reason": "request 9"}, headers=key)
    head = api.service.recorder.max_notification_id()
    again = api.post(ERASE.format("FAM-RETRY"), "admin", json={"reason": "request 9"}, headers=key)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert api.service.recorder.max_notification_id() == head


def test_erasure_is_for_admins_only_and_refuses_unknown_families_and_bad_bodies(api: Api) -> None:
    family_with_text(api, "FAM-001")
    body = {"reason": "request 5"}
    for who in ("caseworker", "broker_own", "family_own", "family_other", "auditor", "commissioner"):
        problem_of(api.post(ERASE.format("FAM-001"), who, json=body), 403)
    problem_of(api.post(ERASE.format("FAM-001"), None, json=body), 401)
    problem_of(api.post(ERASE.format("FAM-NOBODY"), "admin", json=body), 404)
    for bad in (
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "x", "why": "y"},
        {"reason": 5},
        {"reason": "x" * 2001},
        {"reason": "a\u202eb"},
    ):
        problem_of(api.post(ERASE.format("FAM-001"), "admin", json=bad), 422)
    problem_of(api.post(ERASE.format("x" * 201), "admin", json=body), 422)


def test_a_spend_retried_with_its_key_still_matches_because_sealing_is_deterministic(api: Api) -> None:
    budget = open_funded_budget(api.service)
    key = {"Idempotency-Key": "same-spend"}
    path = f"/v1/budgets/{budget}/spends"
    first = api.post(path, json=spend_body(description="Saturday swim"), headers=key)
    record_id = first.json()["spend_id"]
    # the idempotency record alone answers a retry: the domain's own check is the one after a lost reply
    outcome = api.service.record_spend(
        CASEWORKER, budget, _request("Saturday swim"), idempotency_key="same-spend"
    )
    assert outcome.result.spend_id == record_id and outcome.position is None  # nothing recorded


def _request(description: str) -> Any:
    from datetime import date
    from decimal import Decimal

    from ledger.aggregates.spending import SpendRequest

    body = spend_body(description=description)
    return SpendRequest(
        Decimal(body["amount"]),
        body["category"],
        body["provider"],
        date.fromisoformat(body["service_date"]),
        description,
        Decimal(body["units"]),
        body["unit"],
        body["funding_stream"],
    )


def test_the_command_line_erases_and_shows_the_text_as_erased(run: Any, ledger: LedgerService) -> None:
    budget = open_funded_budget(ledger, reference="BH-ERASE-CLI", family_ref="FAM-CLI")
    ledger.suspend_budget(CASEWORKER, budget, "moving house secretly")
    assert "moving house secretly" in run("history", "BH-ERASE-CLI", "--format", "json").stdout
    done = run("erase-family", "FAM-CLI", "--reason", "request 12")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["budgets"] == [str(budget)]
    for args in (("history", "BH-ERASE-CLI"), ("history", "BH-ERASE-CLI", "--format", "json")):
        out = run(*args).stdout
        assert "moving house secretly" not in out and "[erased" in out
    assert run("erase-family", "FAM-NONE", "--reason", "request 13").exit_code != 0


def test_a_key_erased_by_one_process_is_unusable_by_another_at_once(ledger: LedgerService) -> None:
    """Two ledgers on one store, as two server processes: no key outlives its erasure in a cache."""
    other = LedgerService(url=ledger.url)
    try:
        budget = open_funded_budget(ledger, family_ref="FAM-TWO")
        ledger.suspend_budget(CASEWORKER, budget, "hospital stay")
        history = _reasons(other, budget)
        assert "hospital stay" in history  # the other process reads it (and has looked its key up)
        erase_family_text(ledger, ADMIN, "FAM-TWO", "request 21")
        assert "hospital stay" not in _reasons(other, budget) and "[erased " in _reasons(other, budget)
    finally:
        other.close()


def test_a_process_that_sealed_with_a_key_erased_elsewhere_seals_its_next_text_with_a_fresh_one(
    ledger: LedgerService,
) -> None:
    """The key is read afresh for every seal: a second process's next write after the erasure
    gets a new key (destroyed by the next erasure), never the erased one it used a moment ago."""
    other = LedgerService(url=ledger.url)
    try:
        budget = open_funded_budget(other, family_ref="FAM-SEAL")
        other.suspend_budget(CASEWORKER, budget, "before the erasure")  # `other` seals with the key
        erase_family_text(ledger, ADMIN, "FAM-SEAL", "request 22")
        other.resume_budget(CASEWORKER, budget, "after the erasure")
        history = _reasons(ledger, budget)
        assert "after the erasure" in history and "before the erasure" not in history
        assert erase_family_text(ledger, ADMIN, "FAM-SEAL", "request 23").keys_destroyed == 1
        assert "after the erasure" not in _reasons(other, budget)
    finally:
        other.close()


def _reasons(service: LedgerService, budget: UUID) -> str:
    events = audit.history(service, AUDITOR, budget)
    return json.dumps(service.reveal([audit.describe(e)["data"] for e in events]), default=str)
