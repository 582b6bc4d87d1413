"""The portfolio read model on both stores, against a small ledger worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger.envelopes import set_envelope
from tests.builders import a_spend_on, open_funded_budget
from tests.conftest import CASEWORKER, COMMISSIONER
from tests.projections.conftest import settled

D = Decimal


def money(**figures: str) -> dict[str, Any]:
    return {k: D(v) for k, v in figures.items()}


@pytest.fixture
def portfolio_ledger(ledger) -> Any:  # type: ignore[no-untyped-def]
    """P1 and P2 in financial year 2026, P3 (period from February 2026) in 2025.

    P1 pilot, direct_payment: social_care 1000, released 600, spent 250 - 50 reversed = 200,
       recovered 100: available 600 - 200 - 100 = 300
    P2 pilot, broker_held: social_care 400 + health 600 revised to health 800 (allocated 1200),
       released 1000, spent 300 health + 100 unassigned = 400 (trial spend 70 never counts): available 600
    P3 legacy, council_managed: education 500, released 500, spent 500, closed: available 0
    """
    p1 = open_funded_budget(ledger, streams={"social_care": "1000.00"}, released="600.00", cohort="pilot")
    ledger.record_spend(CASEWORKER, p1, a_spend_on("200.00", "personal_assistant", date(2026, 5, 1)))
    wrong = ledger.record_spend(CASEWORKER, p1, a_spend_on("50.00", "transport", date(2026, 5, 2))).result
    ledger.reverse_spend(CASEWORKER, p1, wrong.spend_id, "duplicate")
    ledger.recover_surplus(CASEWORKER, p1, D("100.00"), "unspent at review")

    p2 = open_funded_budget(
        ledger,
        streams={"social_care": "400.00", "health": "600.00"},
        released="1000.00",
        cohort="pilot",
        management="broker_held",
    )
    ledger.record_spend(CASEWORKER, p2, a_spend_on("300.00", "home_care", date(2026, 6, 1), stream="health"))
    ledger.record_spend(CASEWORKER, p2, a_spend_on("100.00", "equipment", date(2026, 6, 2)))
    trial = ledger.start_trial(CASEWORKER, p2, "t", D("100.00"), D("100.00")).result
    ledger.record_trial_spend(CASEWORKER, p2, trial, a_spend_on("70.00", "outreach", date(2026, 6, 3)))
    ledger.revise_allocation(CASEWORKER, p2, {"social_care": D("400.00"), "health": D("800.00")}, "uplift")

    p3 = open_funded_budget(
        ledger,
        streams={"education": "500.00"},
        released=None,
        cohort="legacy",
        management="council_managed",
        period_start=date(2026, 2, 1),
        period_end=date(2027, 1, 31),
    )
    ledger.schedule_instalment(CASEWORKER, p3, D("500.00"), date(2026, 2, 1), False)
    ledger.release_instalment(CASEWORKER, p3, 1)
    ledger.record_spend(CASEWORKER, p3, a_spend_on("500.00", "residential_overnight", date(2026, 3, 1)))
    ledger.close_budget(CASEWORKER, p3, "ended")

    set_envelope(ledger, COMMISSIONER, "social_care", 2026, D("5000.00"), "budget setting")
    set_envelope(ledger, COMMISSIONER, "social_care", 2026, D("4000.00"), "in-year saving")  # supersedes
    set_envelope(ledger, COMMISSIONER, "education", 2025, D("400.00"), "budget setting")
    return ledger


def test_totals_by_stream_cohort_and_management_against_envelopes(portfolio_ledger, readside) -> None:
    result = settled(readside, portfolio_ledger, "portfolio").portfolio()
    assert result == {
        "year": None,
        "budgets": 3,
        **money(allocated="2700.00", released="2100.00", spent="1100.00", recovered="100.00"),
        "available": D("900.00"),  # 2100 - 1100 - 100 = 300 + 600 + 0
        "by_stream": [
            {"stream": "education", "budgets": 1, **money(allocated="500.00", spent="500.00")},
            {"stream": "health", "budgets": 1, **money(allocated="800.00", spent="300.00")},
            {"stream": "social_care", "budgets": 2, **money(allocated="1400.00", spent="200.00")},
            {"stream": "unassigned", "budgets": 0, **money(allocated="0.00", spent="100.00")},
        ],
        "by_cohort": [
            {
                "cohort": "legacy",
                "budgets": 1,
                **money(allocated="500.00", released="500.00", spent="500.00", recovered="0.00"),
                "available": D("0.00"),
            },
            {
                "cohort": "pilot",
                "budgets": 2,
                **money(allocated="2200.00", released="1600.00", spent="600.00", recovered="100.00"),
                "available": D("900.00"),
            },
        ],
        "by_management": [
            {
                "management": "broker_held",
                "budgets": 1,
                **money(allocated="1200.00", released="1000.00", spent="400.00", recovered="0.00"),
                "available": D("600.00"),
            },
            {
                "management": "council_managed",
                "budgets": 1,
                **money(allocated="500.00", released="500.00", spent="500.00", recovered="0.00"),
                "available": D("0.00"),
            },
            {
                "management": "direct_payment",
                "budgets": 1,
                **money(allocated="1000.00", released="600.00", spent="200.00", recovered="100.00"),
                "available": D("300.00"),
            },
        ],
        "envelopes": [
            {
                "stream": "education",
                "year": 2025,
                "envelope": D("400.00"),
                "allocated": D("500.00"),
                "remaining": D("-100.00"),
            },  # over-committed
            {"stream": "health", "year": 2026, "envelope": None, "allocated": D("800.00"), "remaining": None},
            {
                "stream": "social_care",
                "year": 2026,
                "envelope": D("4000.00"),
                "allocated": D("1400.00"),
                "remaining": D("2600.00"),
            },
        ],
    }


def test_a_year_is_the_financial_year_its_budgets_period_starts_in(portfolio_ledger, readside) -> None:
    view = settled(readside, portfolio_ledger, "portfolio")
    year_2026 = view.portfolio(2026)
    assert (year_2026["budgets"], year_2026["allocated"], year_2026["available"]) == (
        2,
        D("2200.00"),
        D("900.00"),
    )
    assert [e["stream"] for e in year_2026["envelopes"]] == ["health", "social_care"]
    assert [s["stream"] for s in year_2026["by_stream"]] == ["health", "social_care", "unassigned"]
    year_2025 = view.portfolio(2025)  # P3 starts 1 February 2026: financial year 2025
    assert (year_2025["budgets"], year_2025["spent"], year_2025["available"]) == (1, D("500.00"), D("0.00"))
    assert [c["cohort"] for c in year_2025["by_cohort"]] == ["legacy"]
    assert view.portfolio(2024)["budgets"] == 0


def test_the_portfolio_agrees_with_the_balances_read_model(portfolio_ledger, readside) -> None:
    result = settled(readside, portfolio_ledger, "portfolio").portfolio()
    rows, _ = readside.view("balances").list_budgets(limit=100)
    for figure in ("allocated", "released", "spent", "recovered", "available"):
        assert result[figure] == sum(r["balances"][figure] for r in rows)
