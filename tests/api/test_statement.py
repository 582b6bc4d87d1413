"""`GET /v1/budgets/{id}/statement`: balances and movements by business date, JSON and CSV, both stores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger.use_cases import LedgerService
from tests.api.conftest import Api, problem_of
from tests.builders import a_spend, open_funded_budget
from tests.conftest import CASEWORKER


def a_year(service: LedgerService) -> UUID:
    """600.00 released (due 1 April), spends in May and June, the June one reversed, 10.00 recovered."""
    budget = open_funded_budget(service)
    service.record_spend(CASEWORKER, budget, a_spend("40.00", service_date=date(2026, 5, 2)))
    june = service.record_spend(CASEWORKER, budget, a_spend("25.00", service_date=date(2026, 6, 10)))
    service.reverse_spend(CASEWORKER, budget, june.result.spend_id, "charged twice")
    service.schedule_instalment(CASEWORKER, budget, Decimal("100.00"), date(2026, 7, 1), False)
    service.release_instalment(CASEWORKER, budget, 2)
    service.recover_surplus(CASEWORKER, budget, Decimal("10.00"), "unspent")
    return budget


def test_a_statement_for_june_opens_with_may_and_lists_june_by_business_date(api: Api) -> None:
    budget = a_year(api.service)
    s = api.get(
        f"/v1/budgets/{budget}/statement", "auditor", params={"from": "2026-06-01", "to": "2026-06-30"}
    )
    assert s.status_code == 200, s.text
    body = s.json()
    assert (body["from"], body["to"]) == ("2026-06-01", "2026-06-30")
    assert body["opening_balance"] == "560.00"  # 600.00 released on 1 April less 40.00 in May
    assert [(m["on"], m["amount"]) for m in body["spends"]] == [("2026-06-10", "-25.00")]
    assert [(m["on"], m["amount"], m["detail"]["reason"]) for m in body["reversals"]] == [
        ("2026-06-10", "25.00", "charged twice")
    ]
    assert body["releases"] == [] and body["recoveries"] == []
    assert body["closing_balance"] == "560.00"
    assert body["reconciliation"] == {
        "available": "650.00",
        "balance_of_all_movements": "650.00",
        "reconciled": True,
    }


def test_the_whole_period_reconciles_with_the_budget_and_totals_each_kind(api: Api) -> None:
    budget = a_year(api.service)
    body = api.get(f"/v1/budgets/{budget}/statement", "family_own").json()
    assert (body["from"], body["to"]) == ("2026-04-01", "2027-03-31")
    assert body["totals"] == {
        "released": "700.00",
        "spent": "65.00",
        "reversed": "25.00",
        "recovered": "10.00",
    }
    assert (body["opening_balance"], body["closing_balance"]) == ("0.00", "650.00")
    state = api.get(f"/v1/budgets/{budget}", "auditor").json()["balances"]
    assert state["available"] == "650.00" == body["reconciliation"]["available"]
    assert [m["on"] for m in body["releases"]] == ["2026-04-01", "2026-07-01"]


def test_the_statement_as_csv_has_opening_movements_and_closing_rows(api: Api) -> None:
    budget = a_year(api.service)
    answer = api.get(
        f"/v1/budgets/{budget}/statement",
        "broker_own",
        params={"from": "2026-05-01", "to": "2026-06-30"},
        headers={"Accept": "text/csv"},
    )
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.strip().splitlines()
    assert lines[0].startswith("line,on,amount,version,recorded_at")
    assert lines[1].startswith("opening_balance,2026-05-01,600.00")
    assert [line.split(",")[0] for line in lines[2:-1]] == ["spend", "spend", "reversal"]
    assert lines[-1].startswith("closing_balance,2026-06-30,560.00")


def test_a_range_ending_before_it_starts_or_a_bad_date_is_invalid(api: Api) -> None:
    budget = a_year(api.service)
    path = f"/v1/budgets/{budget}/statement"
    problem_of(api.get(path, params={"from": "2026-06-30", "to": "2026-06-01"}), 422)
    problem_of(api.get(path, params={"from": "30/06/2026"}), 422)
    problem_of(api.get(path, "family_other"), 403)
