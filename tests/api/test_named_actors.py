"""History names its actors from the key ring at read time; the events themselves hold only key ids."""

from __future__ import annotations

from ledger.keys import create_key, list_keys, revoke_key
from tests.api.conftest import Api, open_body


def test_history_names_each_actor_by_its_key_holder_even_after_the_key_is_revoked(api: Api) -> None:
    key_id, secret = create_key(api.service, "caseworker", "Priya Shah, SEND team")
    named = {"Authorization": f"Bearer {secret}"}
    budget = api.client.post("/v1/budgets", json=open_body(), headers=named).json()["id"]
    api.post(
        f"/v1/budgets/{budget}/allocation", json={"amounts": {"social_care": "600.00"}, "rationale": "flat"}
    )
    revoke_key(api.service, key_id, "left the team")
    events = api.get(f"/v1/budgets/{budget}/history", "auditor").json()["events"]
    assert [e["actor"] for e in events] == [
        {"id": f"key:{key_id}", "role": "caseworker", "name": "Priya Shah, SEND team"},
        {"id": events[1]["actor"]["id"], "role": "caseworker", "name": "caseworker"},
    ]
    assert {e.key_id for e in list_keys(api.service) if e.name == "caseworker"} == {
        events[1]["actor"]["id"].removeprefix("key:")
    }


def test_the_stored_event_holds_the_key_id_and_never_the_name(api: Api) -> None:
    key_id, secret = create_key(api.service, "caseworker", "Ola Nordmann")
    budget = api.client.post("/v1/budgets", json=open_body(), headers={"Authorization": f"Bearer {secret}"})
    stored = api.service.recorder.select_notifications(start=1, limit=10_000)
    opened = [n for n in stored if str(n.originator_id) == budget.json()["id"]]
    assert opened and f"key:{key_id}".encode() in opened[0].state
    assert all(b"Ola Nordmann" not in n.state for n in stored if "keyring" not in n.topic)
