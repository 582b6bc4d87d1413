"""The decision pathway through the API, on both stores: RAS to reviewed outcomes.

The budget runs under `short-breaks-individual-budget` (its latest version, 2, which
wants the indicative budget and a support plan before the allocation, and a panel
decision for any allocation above the indicative amount: its threshold is 0.00).
The figures are worked by hand in the comments.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from tests.api.conftest import Api, open_body, problem_of
from tests.unit.factories import TARGETED_ANSWERS  # 10 points: the targeted band, 850.00

SCHEME = "short-breaks-individual-budget"
PLAN = {
    "outcomes": [
        {"id": "O1", "text": "a weekly break for the carer"},
        {"id": "O2", "text": "a club with friends"},
    ],
    "planned": [
        {
            "category": "personal_assistant",
            "stream": "social_care",
            "amount": "500.00",
            "units": "40",
            "unit": "hours",
        },
        {"category": "community_activity", "amount": "300.00"},
    ],
    "agreed_on": "2026-04-20",
    "next_review_due": "2026-10-20",
}


def post(api: Api, path: str, body: dict[str, Any] | None = None, who: str = "caseworker") -> Any:
    return api.post(path, who, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


def spend(api: Api, budget: str, amount: str, category: str, **extra: str) -> None:
    body = {"amount": amount, "category": category, "provider": "P-1", "service_date": "2026-07-01",
            "description": "as planned", **extra}  # fmt: skip
    answer = post(api, f"{budget}/spends", body, "broker_own")
    assert answer.status_code == 201, answer.text


def refused(api: Api, path: str, body: dict[str, Any], rule: str, budget_id: str) -> None:
    """Refused with 409 naming `rule`, and nothing recorded."""
    before = api.version(budget_id)
    problem_of(post(api, path, body), 409, rule)
    assert api.version(budget_id) == before


def test_a_caseworker_walks_a_family_from_the_ras_to_reviewed_outcomes(live_api: Api) -> None:
    api = live_api
    opened = post(api, "/v1/budgets", open_body(scheme=SCHEME, management="managed_account"))
    assert opened.status_code == 201, opened.text
    assert opened.json()["scheme"] == {
        **opened.json()["scheme"],
        "id": SCHEME,
        "version": 3,
    }  # v3: v2 with commitments
    budget_id = opened.json()["id"]
    b = f"/v1/budgets/{budget_id}"
    allocation = {
        "amounts": {"social_care": "1000.00"},
        "rationale": "night support",
        "variance_reason": "nights",
    }

    # 1. no allocation before the indicative budget, then none before the plan
    refused(api, f"{b}/allocation", allocation, "indicative-budget-required", budget_id)
    ras = {
        "ras": {"scheme": "short-breaks-points", "answers": TARGETED_ANSWERS},
        "completed_with_family": True,
    }
    assert post(api, f"{b}/indicative-budget", ras).status_code == 200
    refused(api, f"{b}/allocation", allocation, "support-plan-required", budget_id)

    # 2. the family reads its indicative budget, and the RAS it was assessed with
    own = api.get(b, "family_own").json()
    assert own["indicative"]["amount"] == "850.00" and own["indicative"]["points"] == 10
    assert own["indicative"]["completed_with_family"] is True and own["indicative"]["working"]
    assert api.get("/v1/ras/schemes/short-breaks-points", "family_own").status_code == 200

    # 3. a plan above the indicative amount is refused; 500.00 + 300.00 = 800.00 is agreed
    above = {**PLAN, "planned": [*PLAN["planned"], {"category": "transport", "amount": "50.01"}]}
    refused(api, f"{b}/support-plan", above, "planned-above-indicative", budget_id)
    agreed = post(api, f"{b}/support-plan", PLAN)
    assert agreed.status_code == 201 and agreed.json()["plan_version"] == 1

    # 4. 1000.00 is above 850.00 + 0.00: refused until a panel agreed at least 1000.00
    refused(api, f"{b}/allocation", allocation, "panel-decision-required", budget_id)
    panel = {"panel_date": "2026-04-25", "reference": "RP-31", "chair_role": "head of service",
             "amount": "1000.00", "notes": "night support agreed"}  # fmt: skip
    recorded = post(api, f"{b}/panel-decisions", panel)
    assert recorded.status_code == 201 and recorded.json()["decision_id"] == "P1"
    assert post(api, f"{b}/allocation", allocation).status_code == 200
    decided = api.get(b).json()["allocation"]
    assert (decided["panel_decision_id"], decided["indicative_amount"], decided["points"]) == (
        "P1",
        "850.00",
        10,
    )

    # 5. money moves: the scheme scheduled four quarters of 250.00; two released
    for number in (1, 2):
        assert post(api, f"{b}/instalments/{number}/release").status_code == 200
    # the scheme pays personal assistants only from the register: the broker matches the family
    registered = post(
        api, "/v1/providers", {"reference": "PA-0042", "kind": "personal_assistant", "in_house": False}
    )
    assert registered.status_code == 201, registered.text
    pa = registered.json()["provider_id"]
    spend(api, b, "120.00", "personal_assistant", units="8", unit="hours", provider_id=pa)
    spend(api, b, "60.00", "personal_assistant", provider_id=pa)
    spend(api, b, "45.00", "community_activity")
    returned = {"period_start": "2026-04-01", "period_end": "2026-06-30", "declared_spent": "70.00",
                "notes": "club fees",
                "lines": [{"category": "community_activity", "amount": "70.00"}]}  # fmt: skip
    assert post(api, f"{b}/monitoring-returns", returned, "family_own").status_code == 201

    # 6. a review must rate every outcome of the plan; then it is recorded
    review = {"reviewed_on": "2026-10-01", "summary": "breaks kept", "next_review_due": "2027-01-15"}
    only_one = {**review, "outcomes": [{"outcome_id": "O1", "rating": "met", "note": "weekly"}]}
    refused(api, f"{b}/reviews", only_one, "outcome-not-rated", budget_id)
    unknown = {**review, "outcomes": [*only_one["outcomes"], {"outcome_id": "O2", "rating": "met"},
                                      {"outcome_id": "O7", "rating": "met"}]}  # fmt: skip
    refused(api, f"{b}/reviews", unknown, "unknown-outcome", budget_id)
    rated = {
        **review,
        "outcomes": [*only_one["outcomes"], {"outcome_id": "O2", "rating": "partly_met", "note": "1 of 2"}],
    }
    assert post(api, f"{b}/reviews", rated).status_code == 200
    assert (
        post(api, f"{b}/previous-package", {"cost": "700.00", "entry_route": "existing_user"}).status_code
        == 200
    )

    # 7. plan versus actual: PA planned 500.00, recorded 120.00 + 60.00 = 180.00, nothing declared;
    #    community activity planned 300.00, recorded 45.00, declared 70.00: actual the greater, 70.00
    pva = api.get(f"{b}/plan-vs-actual", "broker_own")
    assert pva.status_code == 200, pva.text
    body = pva.json()
    lines = {
        c["category"]: (c["planned"], c["recorded"], c["declared"], c["actual"]) for c in body["categories"]
    }
    assert lines == {
        "community_activity": ("300.00", "45.00", "70.00", "70.00"),
        "personal_assistant": ("500.00", "180.00", "0.00", "180.00"),
    }
    assert (body["planned"], body["recorded"], body["declared"]) == ("800.00", "225.00", "70.00")
    assert [(o["outcome_id"], o["rating"], o["rated_on"]) for o in body["outcomes"]] == [
        ("O1", "met", "2026-10-01"),
        ("O2", "partly_met", "2026-10-01"),
    ]
    as_csv = api.get(f"{b}/plan-vs-actual", "family_own", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {(r["line"], r.get("category") or r.get("outcome_id")) for r in rows} >= {
        ("category", "personal_assistant"),
        ("outcome", "O2"),
    }
    problem_of(api.get(f"{b}/plan-vs-actual", "commissioner"), 403)
    problem_of(api.get(f"{b}/plan-vs-actual", "family_other"), 403)

    # 8. the auditor sees every step in the history
    kinds = [e["type"] for e in api.get(f"{b}/history", "auditor").json()["events"]]
    assert kinds[:5] == ["BudgetOpened", "IndicativeBudgetSet", "SupportPlanAgreed", "PanelDecisionRecorded",
                         "AllocationDecided"]  # fmt: skip

    pack = api.get(f"{b}/dispute-pack", "auditor").json()
    assert pack["pathway"]["indicative"]["amount"] == "850.00"
    assert [p["plan_version"] for p in pack["pathway"]["support_plans"]] == [1]
    assert [(d["decision_id"], d["amount"]) for d in pack["pathway"]["panel_decisions"]] == [
        ("P1", "1000.00")
    ]
    assert pack["ras"][0]["version"] == 2 and pack["ras"][0]["matches"] is True  # the indicative budget's RAS
    page = api.get(f"{b}/dispute-pack", "family_own", headers={"Accept": "text/html"}).text
    assert "decision RP-31" in page and "a weekly break for the carer" in page

    # 9. commissioners' analytics and the overdue review (due 2027-01-15; 17 days late on 2027-02-01)
    api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]
    monitoring = api.get("/v1/analytics/monitoring", params={"today": "2027-02-01"}).json()
    [late] = [r for r in monitoring["reviews_overdue"] if r["budget_id"] == budget_id]
    assert (late["next_review_due"], late["days_overdue"], late["last_reviewed_on"]) == (
        "2027-01-15",
        17,
        "2026-10-01",
    )
    on_time = api.get("/v1/analytics/monitoring", params={"today": "2027-01-15"}).json()
    assert all(r["budget_id"] != budget_id for r in on_time["reviews_overdue"])
    plans = api.get("/v1/analytics/plans", "auditor").json()
    [existing] = [g for g in plans["by_entry_route"] if g["entry_route"] == "existing_user"]
    assert existing == {
        **existing,
        "budgets": 1,
        "allocated": "1000.00",
        "previous_cost": "700.00",
        "gained": 1,
        "lost": 0,
        "planned": "800.00",
        "actual": "250.00",
        "outcomes": 2,
        "rated": 2,
        "met": 1,
        "partly_met": 1,
        "share_met": "0.5000",
    }
    cells = {(g["cohort"], g["category"]): (g["planned"], g["actual"]) for g in plans["by_cohort_category"]}
    assert cells[("2026-pilot", "community_activity")] == ("300.00", "70.00")
