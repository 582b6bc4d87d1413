"""Commitments through the API on both stores: an order committed, part-paid and cancelled.

Figures by hand: a short-breaks (v3) budget with 1000.00 released commits 15.50 x 20
hours = 310.00, leaving 690.00 available; a payment of 155.00 for 10 hours spends
155.00 and consumes as much of the commitment (available stays 690.00); cancelling
releases the other 155.00 (available 845.00).
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from ledger.sealed_text import PREFIX
from tests.api.conftest import Api, problem_of
from tests.api.test_providers import register, short_breaks_budget
from tests.builders import open_funded_budget


def order(pid: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "provider_id": pid,
        "category": "personal_assistant",
        "description": "weekly sessions with the PA",
        "unit_price": "15.50",
        "quantity": "20",
        "unit": "hours",
    }
    return {**body, **overrides}


def commit(
    api: Api, budget_id: UUID, body: dict[str, Any], key: str | None = None, who: str = "caseworker"
) -> Any:
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return api.post(f"/v1/budgets/{budget_id}/commitments", who, json=body, headers=headers)


def pay(api: Api, budget_id: UUID, cid: str, amount: str, key: str | None = None, **extra: Any) -> Any:
    body = {"amount": amount, "service_date": "2026-05-04", "description": "May's sessions", **extra}
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return api.post(f"/v1/budgets/{budget_id}/commitments/{cid}/payments", json=body, headers=headers)


def test_an_order_is_committed_part_paid_and_cancelled_and_never_over_committed(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    pa = register(api, "personal_assistant")["provider_id"]
    made = commit(api, budget_id, order(pa), key="order-1")
    assert made.status_code == 201, made.text
    body = made.json()
    cid = body["commitment"]["commitment_id"]
    assert body["commitment"]["amount"] == "310.00" and body["commitment"]["outstanding"] == "310.00"
    assert body["balances"]["committed"] == "310.00" and body["balances"]["available"] == "690.00"
    again = commit(api, budget_id, order(pa), key="order-1")  # a retry answers the first answer
    assert again.json()["commitment"]["commitment_id"] == cid and again.json()["version"] == body["version"]

    over = problem_of(commit(api, budget_id, order(pa, unit_price="34.51")), 409, "insufficient-funds")
    assert "commitments already hold 310.00" in over["detail"]  # 690.20 > 690.00
    spend = {"amount": "690.01", "category": "community_activity", "provider": "Club"}
    spend |= {"service_date": "2026-05-02", "description": "swimming"}
    refused = api.post(f"/v1/budgets/{budget_id}/spends", json=spend, headers={"Idempotency-Key": "s1"})
    assert "open commitments hold 310.00" in problem_of(refused, 409, "insufficient-funds")["detail"]

    paid = pay(api, budget_id, cid, "155.00", key="pay-1", units="10")
    assert paid.status_code == 201, paid.text
    assert (
        paid.json()["commitment"]["outstanding"] == "155.00" and paid.json()["commitment"]["status"] == "open"
    )
    balances = paid.json()["balances"]
    assert (balances["spent"], balances["committed"], balances["available"]) == ("155.00", "155.00", "690.00")
    assert (
        pay(api, budget_id, cid, "155.00", key="pay-1", units="10").json()["spend_id"]
        == paid.json()["spend_id"]
    )
    spends = {s["spend_id"]: s for s in api.get(f"/v1/budgets/{budget_id}/spends").json()["items"]}
    recorded = spends[paid.json()["spend_id"]]
    assert (recorded["provider_id"], recorded["category"], recorded["units"], recorded["unit"]) == (
        pa, "personal_assistant", "10.00", "hours"
    )  # fmt: skip
    problem_of(pay(api, budget_id, cid, "155.01"), 409, "payment-above-commitment")

    path = f"/v1/budgets/{budget_id}/commitments/{cid}/cancellation"
    cancelled = api.post(path, json={"reason": "the PA has moved away"})
    assert cancelled.status_code == 200, cancelled.text
    balances = cancelled.json()["balances"]
    assert (balances["committed"], balances["available"]) == ("0.00", "845.00")
    problem_of(api.post(path, json={"reason": "again"}), 409, "commitment-not-open")
    problem_of(pay(api, budget_id, cid, "1.00"), 409, "commitment-not-open")

    listed = api.get(f"/v1/budgets/{budget_id}/commitments", "auditor").json()["items"]
    assert [(c["status"], c["paid"], c["outstanding"], c["cancel_reason"]) for c in listed] == [
        ("cancelled", "155.00", "0.00", "the PA has moved away")
    ]
    assert listed[0]["description"] == "weekly sessions with the PA"
    held = api.service.repository.get(budget_id).commitments[cid]
    assert held.description.startswith(PREFIX) and held.cancel_reason.startswith(
        PREFIX
    )  # sealed in the store
    events = api.get(f"/v1/budgets/{budget_id}/history", params={"limit": 200}).json()["events"]
    kinds = [e["type"] for e in events]
    assert kinds.count("CommitmentMade") == 1 and kinds.count("CommitmentCancelled") == 1
    assert kinds.index("CommitmentPaid") + 1 == kinds.index("SpendRecorded", kinds.index("CommitmentPaid"))
    budget = api.get(f"/v1/budgets/{budget_id}").json()
    assert budget["balances"]["committed"] == "0.00"


def test_commitments_are_off_unless_the_scheme_takes_them(api: Api) -> None:
    budget_id = open_funded_budget(api.service)  # the default scheme
    pa = register(api, "personal_assistant")["provider_id"]
    problem_of(commit(api, budget_id, order(pa)), 409, "commitments-not-enabled")
    assert api.get(f"/v1/budgets/{budget_id}").json()["balances"].get("committed") is None


def test_commitments_are_written_like_spends_and_read_like_the_budget(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    pa = register(api, "personal_assistant")["provider_id"]
    for who in ("auditor", "commissioner", "admin"):
        problem_of(commit(api, budget_id, order(pa), who=who), 403, "forbidden")
    assert commit(api, budget_id, order(pa), who="broker_own").status_code == 201
    for who in ("auditor", "family_own", "broker_own"):
        assert api.get(f"/v1/budgets/{budget_id}/commitments", who).status_code == 200
    problem_of(api.get(f"/v1/budgets/{budget_id}/commitments", "commissioner"), 403, "forbidden")
    problem_of(commit(api, budget_id, order(str(uuid.uuid4()))), 409, "provider-not-registered")
    problem_of(pay(api, budget_id, "no-such", "1.00"), 404)


def test_bad_commitment_bodies_are_422_and_record_nothing(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    pa = register(api, "personal_assistant")["provider_id"]
    version = api.version(budget_id)
    for bad in (
        order(pa, quantity="0"),
        order(pa, unit_price="-1.00"),
        order(pa, unit_price=15.5),
        order(pa, category="yachts"),
        order(pa, description=""),
        order("Jane Smith"),
        {k: v for k, v in order(pa).items() if k != "provider_id"},
        order(pa, extra="x"),
    ):
        problem_of(commit(api, budget_id, bad), 422)
    cid = commit(api, budget_id, order(pa)).json()["commitment"]["commitment_id"]
    for amount in ("0.00", "1.001", "abc"):
        problem_of(pay(api, budget_id, cid, amount), 422)
    problem_of(api.post(f"/v1/budgets/{budget_id}/commitments/{cid}/cancellation", json={}), 422)
    assert api.version(budget_id) == version + 1  # only the good order


def test_the_balances_read_model_copies_what_commitments_hold(live_api: Api) -> None:
    api = live_api
    budget_id = short_breaks_budget(api)
    plain = open_funded_budget(api.service)
    pa = register(api, "personal_assistant")["provider_id"]
    assert commit(api, budget_id, order(pa)).status_code == 201
    api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]
    listed = {b["id"]: b["balances"] for b in api.get("/v1/budgets", params={"limit": 200}).json()["items"]}
    assert (listed[str(budget_id)]["committed"], listed[str(budget_id)]["available"]) == ("310.00", "690.00")
    assert listed[str(plain)]["committed"] is None


def test_paying_a_commitment_is_a_write_and_logs_no_read(api: Api) -> None:
    """Found by the HTTP interleavings machine: a payment looked the order up through a logged
    read, so the access log showed a read of the family's record that no caller was given."""
    budget_id = short_breaks_budget(api)
    pa = register(api, "personal_assistant")["provider_id"]
    cid = commit(api, budget_id, order(pa)).json()["commitment"]["commitment_id"]
    before = len(api.service.access_log.entries())
    paid = pay(api, budget_id, cid, "31.00", units="2")
    assert paid.status_code == 201, paid.text
    assert paid.json()["commitment"]["paid"] == "31.00"
    assert len(api.service.access_log.entries()) == before
    problem_of(pay(api, budget_id, "no-such-order", "1.00"), 404, "not-found")
    assert len(api.service.access_log.entries()) == before
