"""The whole life of a budget through the API, on both stores, and the read-your-writes promise."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from tests.api.conftest import POINTS_ANSWERS, Api, open_body, problem_of, spend_body, trial_spend_body

RETURN = {"period_start": "2026-04-01", "period_end": "2026-09-30", "declared_spent": "100.00", "notes": "PA"}


class Life:
    """A budget driven through the API by the role each step belongs to."""

    def __init__(self, api: Api, budget_id: str) -> None:
        self.api, self.path = api, f"/v1/budgets/{budget_id}"

    def do(self, step: str, who: str = "caseworker", status: int = 200, **kw: Any) -> dict[str, Any]:
        """POST a step asking for the whole budget back (`Prefer: return=representation`)."""
        headers = {"Prefer": "return=representation", **kw.pop("headers", {})}
        response = self.api.post(self.path + step, who, headers=headers, **kw)
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        if status < 300 and "budget" in body:
            assert body["version"] == body["budget"]["version"]
            assert body["balances"] == body["budget"]["balances"]
            assert self.read()["version"] == body["version"]  # a write is seen by the next read
        return body

    def refused(self, step: str, rule: str, who: str = "caseworker", **kw: Any) -> None:
        before = self.read()["version"]
        problem_of(self.api.post(self.path + step, who, **kw), 409, rule)
        assert self.read()["version"] == before

    def read(self, who: str = "caseworker") -> dict[str, Any]:
        response = self.api.get(self.path, who)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def balances(self) -> dict[str, str]:
        return dict(self.read()["balances"])


def test_the_whole_life_of_a_budget(api: Api) -> None:
    opened = api.post("/v1/budgets", json=open_body())
    assert opened.status_code == 201, opened.text
    assert opened.headers["Location"] == f"/v1/budgets/{opened.json()['id']}"
    assert opened.json()["status"] == "open" and opened.json()["version"] == 1
    life = Life(api, opened.json()["id"])

    # allocation from a RAS assessment: 8 points, capped by the band at 600.00
    assessment = api.post(
        "/v1/ras/assessments", json={"scheme": "short-breaks-points", "answers": POINTS_ANSWERS}
    )
    assert assessment.json()["indicative_amount"] == "600.00"
    body = life.do(
        "/allocation",
        json={
            "amounts": {"social_care": "500.00", "health": "100.00"},
            "ras": {"scheme": "short-breaks-points", "answers": POINTS_ANSWERS},
            "rationale": "RAS assessment",
        },
    )
    allocation = body["budget"]["allocation"]
    assert allocation["scheme_id"] == "short-breaks-points" and allocation["scheme_version"] == 1
    assert (allocation["points"], allocation["band"], allocation["indicative_amount"]) == (
        8,
        "universal_plus",
        "600.00",
    )
    assert allocation["working"][-1] == "indicative amount: 600.00"
    assert body["budget"]["status"] == "active"

    # two instalments, the second gated on an accepted monitoring return
    assert (
        life.do(
            "/instalments", status=201, json={"amount": "300.00", "due_on": "2026-04-01", "gated": False}
        )["number"]
        == 1
    )
    assert (
        life.do("/instalments", status=201, json={"amount": "300.00", "due_on": "2026-10-01", "gated": True})[
            "number"
        ]
        == 2
    )
    life.do("/instalments/1/release")
    assert life.balances() | {} == {
        "allocated": "600.00",
        "scheduled": "600.00",
        "released": "300.00",
        "spent": "0.00",
        "recovered": "0.00",
        "available": "300.00",
        "unreleased": "300.00",
        "committed": None,  # this budget's scheme takes no commitments
    }

    # a broker records spends; a retry with the same key records nothing
    key = {"Idempotency-Key": "spend-1"}
    first = life.do("/spends", "broker_own", 201, json=spend_body(amount="120.00"), headers=key)
    again = life.do("/spends", "broker_own", 201, json=spend_body(amount="120.00"), headers=key)
    assert again["spend_id"] == first["spend_id"] and again["version"] == first["version"]
    second = life.do(
        "/spends", "caseworker", 201, json=spend_body(amount="30.00"), headers={"Idempotency-Key": "2"}
    )
    assert life.balances()["spent"] == "150.00" and life.balances()["available"] == "150.00"

    # the gate holds until a return submitted since the release is accepted
    life.refused("/instalments/2/release", "instalment-gated")
    returned = life.do("/monitoring-returns", "family_own", 201, json=RETURN)
    life.refused("/instalments/2/release", "instalment-gated")
    life.do(f"/monitoring-returns/{returned['return_id']}/acceptance")
    life.do("/instalments/2/release")
    assert life.balances()["released"] == "600.00"

    # reversal and recovery
    life.do(f"/spends/{second['spend_id']}/reversal", "broker_own", json={"reason": "entered twice"})
    assert life.balances()["spent"] == "120.00"
    life.do("/surplus-recoveries", json={"amount": "80.00", "reason": "unspent in the first half"})
    assert life.balances()["available"] == "400.00" and life.balances()["recovered"] == "80.00"

    # a virtual-budget trial never touches real balances
    real = life.balances()
    trial = life.do(
        "/trials",
        status=201,
        json={"name": "PA trial", "virtual_amount": "900.00", "baseline_cost": "1100.00"},
    )
    life.do(
        f"/trials/{trial['trial_id']}/spends",
        "broker_own",
        201,
        json=trial_spend_body(amount="250.00"),
        headers=key,
    )
    assert life.balances() == real
    life.do(f"/trials/{trial['trial_id']}/conclusion", json={"outcome": "adopted", "notes": "cheaper"})
    (trial_out,) = life.read()["trials"]
    assert (trial_out["spent"], trial_out["status"], trial_out["virtual_amount"]) == (
        "250.00",
        "adopted",
        "900.00",
    )
    assert trial_out["baseline_cost"] == "1100.00"

    # a dispute, its resolution, and the revision that names it
    dispute = life.do(
        "/disputes", "family_own", 201, json={"subject": "allocation", "grounds": "nights not scored"}
    )
    life.do(
        f"/disputes/{dispute['dispute_id']}/resolution", json={"outcome": "upheld", "resolution": "add 200"}
    )
    revised = life.do(
        "/allocation/revisions",
        json={
            "amounts": {"social_care": "700.00", "health": "100.00"},
            "reason": "dispute upheld",
            "dispute_id": dispute["dispute_id"],
        },
    )
    assert (
        revised["budget"]["allocation"]["revisions"] == 1
        and revised["budget"]["balances"]["allocated"] == "800.00"
    )

    # review, suspension (no money moves), resumption
    life.do(
        "/reviews", json={"reviewed_on": "2026-10-15", "summary": "on track", "next_review_due": "2027-04-15"}
    )
    life.do("/suspension", json={"reason": "family abroad"})
    life.refused("/spends", "budget-not-active", json=spend_body(), headers={"Idempotency-Key": "3"})
    life.do("/resumption", json={"reason": "back home"})

    # closure waits for the surplus to be recovered
    life.refused("/closure", "funds-remaining", json={"reason": "year end"})
    life.do("/surplus-recoveries", json={"amount": life.balances()["available"], "reason": "year end"})
    life.do("/closure", json={"reason": "year end"})
    final = life.read()
    assert final["status"] == "closed" and final["balances"]["available"] == "0.00"

    # the audit trail: history chained by hashes, state as it stood, verification
    events = api.get(life.path + "/history", "auditor").json()["events"]
    assert [e["version"] for e in events] == list(range(1, final["version"] + 1))
    assert events[0]["prev_hash"] == "0" * 64
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in pairwise(events))
    assert events[-1]["hash"] == final["head_hash"]
    assert events[0]["actor"]["role"] == "caseworker" and events[0]["type"] == "BudgetOpened"
    recorded = next(e for e in events if e["type"] == "SpendRecorded")
    assert recorded["data"]["amount"] == "120.00" and recorded["actor"]["role"] == "broker"
    assert recorded["recorded_at"].endswith("Z")
    assert api.get(life.path + "/history", "family_own").status_code == 200

    at_five = api.get(life.path + "/state", "auditor", params={"version": 5}).json()
    assert at_five["version"] == 5 and at_five["balances"]["released"] == "300.00"
    as_of = api.get(life.path + "/state", "auditor", params={"as_of": events[4]["recorded_at"]}).json()
    assert as_of == at_five

    verification = api.get(life.path + "/verification", "auditor").json()
    assert verification == {
        "ok": True,
        "checked": final["version"],
        "first_failure": None,
        "head_hash": final["head_hash"],
    }


def test_a_flat_rate_allocation_needs_only_a_rationale(api: Api) -> None:
    life = Life(api, api.post("/v1/budgets", json=open_body()).json()["id"])
    body = life.do("/allocation", json={"amounts": {"social_care": "600.00"}, "rationale": "flat 600 a year"})
    allocation = body["budget"]["allocation"]
    assert allocation["scheme_id"] is None and allocation["rationale"] == "flat 600 a year"
    assert allocation["amounts"] == {"social_care": "600.00"} and allocation["total"] == "600.00"


def test_a_flat_scheme_assessment_and_an_allocation_that_differs_says_why(api: Api) -> None:
    life = Life(api, api.post("/v1/budgets", json=open_body()).json()["id"])
    ras = {
        "scheme": "flat-short-breaks",
        "version": 1,
        "answers": {"assessed_need": "yes", "has_bank_account": "yes"},
    }
    life.refused(
        "/allocation",
        "variance-reason-required",
        json={"amounts": {"social_care": "500.00"}, "ras": ras, "rationale": "partial year"},
    )
    body = life.do(
        "/allocation",
        json={
            "amounts": {"social_care": "500.00"},
            "ras": ras,
            "rationale": "partial year",
            "variance_reason": "joined in June",
        },
    )
    assert body["budget"]["allocation"]["variance_reason"] == "joined in June"
    assert body["budget"]["allocation"]["indicative_amount"] == "600.00"


def test_cancelling_an_instalment_and_querying_a_return(api: Api) -> None:
    life = Life(api, api.post("/v1/budgets", json=open_body()).json()["id"])
    life.do("/allocation", json={"amounts": {"education": "400.00"}, "rationale": "flat"})
    life.do("/instalments", status=201, json={"amount": "400.00", "due_on": "2026-05-01", "gated": False})
    body = life.do("/instalments/1/cancellation", json={"reason": "paid in kind instead"})
    assert body["budget"]["instalments"][0] | {} == {
        "number": 1,
        "amount": "400.00",
        "due_on": "2026-05-01",
        "gated": False,
        "status": "cancelled",
        "note": "paid in kind instead",
    }
    life.refused("/instalments/1/release", "instalment-not-pending")
    returned = life.do("/monitoring-returns", "broker_own", 201, json=RETURN)
    body = life.do(f"/monitoring-returns/{returned['return_id']}/query", json={"reason": "receipts missing"})
    (queried,) = body["budget"]["monitoring_returns"]
    assert (queried["status"], queried["query_reason"], queried["declared_spent"]) == (
        "queried",
        "receipts missing",
        "100.00",
    )


def test_the_ras_schemes_are_published_with_their_working_parts(api: Api) -> None:
    schemes = api.get("/v1/ras/schemes", "auditor").json()["schemes"]
    assert {(s["id"], s["version"]) for s in schemes} == {
        ("short-breaks-points", 1),
        ("flat-short-breaks", 1),
    }
    points = api.get("/v1/ras/schemes/short-breaks-points").json()
    assert points["price_per_point"] == "85.00" and points["bands"][0]["cap"] == "600.00"
    assert points["questions"][0]["options"] == {"none": 0, "some": 4, "substantial": 8, "critical": 12}
    assert api.get("/v1/ras/schemes/short-breaks-points", params={"version": 1}).json() == points
    problem_of(api.get("/v1/ras/schemes/short-breaks-points", params={"version": 9}), 404, "not-found")
    problem_of(api.get("/v1/ras/schemes/no-such-scheme"), 404, "not-found")
    bad = api.post(
        "/v1/ras/assessments", json={"scheme": "short-breaks-points", "answers": {"siblings": "0"}}
    )
    problem_of(bad, 422, "invalid-ras-answers")
