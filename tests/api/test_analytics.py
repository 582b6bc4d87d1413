"""The analytics routes and envelopes over HTTP, on small ledgers whose figures are worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.aggregates.spending import SpendRequest
from tests.api.conftest import PROBLEM_JSON, Api
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER


def spend(api: Api, budget_id: object, amount: str, category: str, on: date, units: str, unit: str) -> None:
    request = SpendRequest(Decimal(amount), category, "Provider", on, "care", Decimal(units), unit)
    api.service.record_spend(CASEWORKER, budget_id, request)  # type: ignore[arg-type]


def caught_up(api: Api) -> None:
    api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]


def small_ledger(api: Api) -> None:
    """PA 300.00 (20 hours) and residential 200.00 (2 nights) in May; PA 100.00 (5 hours) in June."""
    budget_id = open_funded_budget(api.service, allocated="1000.00", released="1000.00")
    spend(api, budget_id, "300.00", "personal_assistant", date(2026, 5, 3), "20", "hours")
    spend(api, budget_id, "200.00", "residential_overnight", date(2026, 5, 9), "2", "nights")
    spend(api, budget_id, "100.00", "personal_assistant", date(2026, 6, 1), "5", "hours")
    caught_up(api)


def test_spending_by_category_gives_amounts_shares_and_unit_costs(live_api: Api) -> None:
    small_ledger(live_api)
    answer = live_api.get(
        "/v1/analytics/spending?group_by=category", "auditor"
    )  # one family: see test_suppression
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == "600.00"
    groups = {g["category"]: g for g in body["groups"]}
    # PA: 400.00 of 600.00 = 0.6667, 25 hours at 16.00; residential: 200.00 = 0.3333, 2 nights at 100.00
    assert groups["personal_assistant"]["amount"] == "400.00"
    assert groups["personal_assistant"]["share"] == "0.6667"
    assert groups["personal_assistant"]["unit_costs"] == {"hours": "16.00"}
    assert groups["residential_overnight"]["share"] == "0.3333"
    assert groups["residential_overnight"]["unit_costs"] == {"nights": "100.00"}
    assert answer.headers["X-Projection-Lag"] == "0"


def test_shares_sum_to_one_within_each_month(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/spending?group_by=month,category", "auditor").json()
    by_month: dict[str, Decimal] = {}
    for group in body["groups"]:
        by_month[group["month"]] = by_month.get(group["month"], Decimal(0)) + Decimal(group["share"])
    assert by_month == {"2026-05": Decimal(1), "2026-06": Decimal(1)}


def test_spending_answers_csv_for_spreadsheets(live_api: Api) -> None:
    small_ledger(live_api)
    answer = live_api.get(
        "/v1/analytics/spending?group_by=category", "auditor", headers={"Accept": "text/csv"}
    )
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0].startswith("category,amount,share")
    assert "personal_assistant,400.00,0.6667" in lines[1]


def test_date_filters_narrow_the_spending(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get(
        "/v1/analytics/spending?group_by=category&from=2026-06-01&to=2026-06-30", "auditor"
    ).json()
    assert body["total"] == "100.00"
    assert [g["category"] for g in body["groups"]] == ["personal_assistant"]


def test_bad_analytics_queries_are_422_problems(live_api: Api) -> None:
    for query in ("group_by=colour", "group_by=", "from=2026-02-30", "from=2026-07-01&to=2026-06-01"):
        answer = live_api.get(f"/v1/analytics/spending?{query}", "commissioner")
        assert answer.status_code == 422, query
        assert answer.headers["content-type"] == PROBLEM_JSON
    assert live_api.get("/v1/analytics/monitoring?today=0", "commissioner").status_code == 422


def test_a_commissioner_sets_an_envelope_and_the_portfolio_measures_against_it(live_api: Api) -> None:
    open_funded_budget(live_api.service, allocated="1000.00", released="600.00")
    body = {"stream": "social_care", "year": 2026, "amount": "5000.00", "reason": "budget"}
    made = live_api.post("/v1/envelopes", "commissioner", json=body)
    assert made.status_code == 201, made.text
    caught_up(live_api)
    body = live_api.get("/v1/analytics/portfolio?year=2026", "auditor").json()
    assert (body["budgets"], body["allocated"], body["released"], body["available"]) == (
        1,
        "1000.00",
        "600.00",
        "600.00",
    )
    envelope = next(e for e in body["envelopes"] if e["stream"] == "social_care")
    assert (envelope["envelope"], envelope["allocated"], envelope["remaining"]) == (
        "5000.00",
        "1000.00",
        "4000.00",
    )
    listed = live_api.get("/v1/envelopes", "auditor").json()["envelopes"]
    assert [(e["stream"], e["amount"]) for e in listed] == [("social_care", "5000.00")]


def test_monitoring_shows_a_gated_instalment_waiting_and_overdue(live_api: Api) -> None:
    budget_id = open_funded_budget(live_api.service)
    live_api.service.schedule_instalment(CASEWORKER, budget_id, Decimal("100.00"), date(2026, 10, 1), True)
    caught_up(live_api)
    body = live_api.get("/v1/analytics/monitoring?today=2026-10-11", "caseworker").json()
    assert [(i["number"], i["days_overdue"]) for i in body["overdue"]] == [(2, 10)]
    assert [i["number"] for i in body["gated_waiting"]] == [2]


def test_spending_groups_carry_only_the_keys_asked_for(live_api: Api) -> None:
    small_ledger(live_api)
    groups = live_api.get("/v1/analytics/spending?group_by=month", "commissioner").json()["groups"]
    assert [set(g) for g in groups] == [{"month", "amount", "share", "units", "unit_costs", "suppressed"}] * 2


def test_portfolio_and_monitoring_answers_have_their_typed_shapes(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/portfolio", "commissioner").json()
    assert set(body["by_stream"][0]) == {"stream", "budgets", "allocated", "spent", "suppressed"}
    assert set(body["by_cohort"][0]) == {
        "suppressed",
        "cohort",
        "budgets",
        "allocated",
        "released",
        "spent",
        "recovered",
        "available",
    }
    monitoring = live_api.get("/v1/analytics/monitoring", "commissioner").json()
    assert set(monitoring) == {
        "today",
        "waiting",
        "gated_waiting",
        "overdue",
        "discrepancies",
        "returns_overdue",
        "reviews_overdue",
        "nights_warnings",
    }
