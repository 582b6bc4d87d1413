"""The Wiltshire year end to end through the API, on both stores: a council runs the CDC note's scheme
(up to 600 pounds, two instalments, the second once the monitoring form is returned, paid into a
confirmed bank account by the payments administrator) without a code change."""

from __future__ import annotations

from typing import Any

from ledger.keys import create_key
from tests.api.conftest import Api, open_body, problem_of
from tests.api.test_analytics import caught_up

FLAT = {"scheme": "flat-short-breaks", "answers": {"assessed_need": "yes", "has_bank_account": "yes"}}
RETURN = {
    "period_start": "2026-04-01",
    "period_end": "2026-09-30",
    "declared_spent": "280.00",
    "notes": "swimming and a support worker",
    "lines": [
        {"category": "community_activity", "amount": "120.00", "units": "8", "unit": "sessions"},
        {"category": "personal_assistant", "amount": "160.00", "units": "10", "unit": "hours"},
    ],
}


def test_the_wiltshire_year_runs_as_the_cdc_note_describes(live_api: Api) -> None:
    api = live_api
    api.keys["compass"] = create_key(api.service, "broker", "Compass payments", "compass", None)[1]
    opened = api.post("/v1/budgets", json=open_body(scheme="wiltshire-short-breaks", broker_org="compass"))
    assert opened.status_code == 201, opened.text
    budget_id = opened.json()["id"]
    b = f"/v1/budgets/{budget_id}"

    ras = api.post("/v1/ras/assessments", json=FLAT).json()
    assert ras["indicative_amount"] == "600.00"
    allocation: dict[str, Any] = {
        "amounts": {"social_care": "600.01"},
        "ras": FLAT,
        "variance_reason": "x",
        "rationale": "flat",
    }
    problem_of(api.post(f"{b}/allocation", json=allocation), 409, "allocation-above-scheme-maximum")
    decided = api.post(f"{b}/allocation", json={**allocation, "amounts": {"social_care": "600.00"}})
    assert decided.status_code == 200, decided.text
    instalments = api.get(b).json()["instalments"]
    assert [(i["amount"], i["due_on"], i["gated"]) for i in instalments] == [
        ("300.00", "2026-04-01", False),
        ("300.00", "2026-10-01", True),
    ]

    problem_of(api.post(f"{b}/instalments/1/release", "compass"), 409, "bank-account-not-confirmed")
    assert (
        api.post(f"{b}/bank-account-confirmation", "compass", json={"confirmed_on": "2026-04-02"}).status_code
        == 200
    )
    assert api.post(f"{b}/instalments/1/release", "compass").status_code == 200
    version = api.version(budget_id)
    problem_of(api.post(f"{b}/instalments/2/release", "compass"), 409, "instalment-gated")
    assert api.version(budget_id) == version

    overdue = api.get(f"{b}/monitoring?today=2026-11-15", "caseworker").json()
    assert [(d["period_end"], d["due_on"]) for d in overdue["overdue"]] == [("2026-09-30", "2026-10-28")]
    caught_up(api)
    listed = api.get("/v1/analytics/monitoring?today=2026-11-15", "commissioner").json()["returns_overdue"]
    assert [(r["budget_id"], r["due_on"], r["days_overdue"]) for r in listed] == [
        (budget_id, "2026-10-28", 18)
    ]

    problem_of(
        api.post(f"{b}/monitoring-returns", "family_own", json={**RETURN, "declared_spent": "281.00"}), 422
    )
    returned = api.post(f"{b}/monitoring-returns", "family_own", json=RETURN)
    assert returned.status_code == 201, returned.text
    released = api.post(f"{b}/instalments/2/release", "compass")  # returned is enough: no acceptance needed
    assert released.status_code == 200, released.text
    assert released.json()["balances"]["released"] == "600.00"
    after = api.get(f"{b}/monitoring?today=2026-11-15", "family_own").json()
    assert after["overdue"] == [] and after["returns_due"][0]["return_id"] == returned.json()["return_id"]

    caught_up(api)
    declared = api.get("/v1/analytics/spending?group_by=category&basis=declared", "auditor").json()
    assert {g["category"]: g["amount"] for g in declared["groups"]} == {
        "community_activity": "120.00",
        "personal_assistant": "160.00",
    }
    assert declared["total"] == "280.00"
    recorded = api.get("/v1/analytics/spending?group_by=category", "auditor").json()
    assert recorded["total"] == "0.00"  # nothing recorded as spends: today's answer is unchanged
    both = api.get("/v1/analytics/spending?group_by=category&basis=all", "auditor").json()
    assert both["total"] == "280.00"
    assert (
        api.get("/v1/analytics/monitoring?today=2026-11-15", "commissioner").json()["returns_overdue"] == []
    )


def test_a_queried_returns_declared_lines_are_withdrawn_and_its_period_due_again(live_api: Api) -> None:
    api = live_api
    budget_id = api.post("/v1/budgets", json=open_body(scheme="wiltshire-short-breaks")).json()["id"]
    rid = api.post(f"/v1/budgets/{budget_id}/monitoring-returns", json=RETURN).json()["return_id"]
    api.post(f"/v1/budgets/{budget_id}/monitoring-returns/{rid}/query", json={"reason": "receipts missing"})
    caught_up(api)
    declared = api.get("/v1/analytics/spending?group_by=category&basis=declared", "auditor").json()
    assert declared["total"] == "0.00"
    overdue = api.get("/v1/analytics/monitoring?today=2026-11-15", "caseworker").json()["returns_overdue"]
    assert [r["period_end"] for r in overdue if r["budget_id"] == budget_id] == ["2026-09-30"]
    problem_of(api.get("/v1/analytics/spending?basis=guessed", "commissioner"), 422)


def test_every_budget_has_due_dates_even_without_a_gated_instalment(api: Api) -> None:
    budget_id = api.post("/v1/budgets", json=open_body()).json()["id"]  # the default scheme: nothing gated
    answer = api.get(f"/v1/budgets/{budget_id}/monitoring?today=2027-05-01").json()
    assert [(d["due_on"], d["status"]) for d in answer["returns_due"]] == [
        ("2026-10-28", "overdue"),
        ("2027-04-28", "overdue"),
    ]
    problem_of(api.get(f"/v1/budgets/{budget_id}/monitoring", "family_other"), 403, "forbidden")
