"""Kept answers on real read models, both stores: a repeated question reads no tables until a spend lands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.builders import a_spend_on, open_funded_budget
from tests.conftest import CASEWORKER
from tests.projections.conftest import settled


def counting_selects(view: Any, monkeypatch: Any) -> list[object]:
    """Every query the view sends from now on (the position read goes through the library, not `select`)."""
    sent: list[object] = []
    select = view.select

    def counted(query: Any, params: Any = None) -> Any:
        sent.append(query)
        return select(query, params)

    monkeypatch.setattr(view, "select", counted)
    return sent


def test_a_repeated_spending_question_is_kept_until_a_spend_moves_the_position(
    ledger, readside, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    budget = open_funded_budget(ledger, released="1000.00")
    ledger.record_spend(CASEWORKER, budget, a_spend_on("120.00", "personal_assistant", date(2026, 5, 10)))
    view = settled(readside, ledger, "spending")
    sent = counting_selects(view, monkeypatch)

    first = view.spending_and_families(["category"])
    asked_once = len(sent)
    assert view.spending_and_families(["category"]) == first and len(sent) == asked_once  # kept

    ledger.record_spend(CASEWORKER, budget, a_spend_on("30.00", "personal_assistant", date(2026, 5, 11)))
    view = settled(readside, ledger, "spending")
    answer, families = view.spending_and_families(["category"])
    assert len(sent) == 2 * asked_once  # the position moved: asked again
    assert answer["total"] == Decimal("150.00") and families == {("personal_assistant",): 1}


def test_a_portfolio_answer_follows_every_change(ledger, readside) -> None:  # type: ignore[no-untyped-def]
    open_funded_budget(ledger, allocated="1000.00", released="600.00")
    portfolio = settled(readside, ledger, "portfolio")
    assert portfolio.portfolio()["allocated"] == Decimal("1000.00")
    assert portfolio.portfolio()["allocated"] == Decimal("1000.00")  # kept
    open_funded_budget(ledger, allocated="250.00", released="100.00")
    assert settled(readside, ledger, "portfolio").portfolio()["allocated"] == Decimal("1250.00")


def test_monitoring_on_another_day_is_another_question_at_the_same_position(ledger, readside) -> None:  # type: ignore[no-untyped-def]
    """`today` is part of the question: the same ledger is overdue by more days a week later."""
    open_funded_budget(ledger, allocated="1000.00", released="600.00")
    view = settled(readside, ledger, "monitoring")
    first = view.monitoring(date(2027, 6, 1))["returns_overdue"]
    later = view.monitoring(date(2027, 6, 8))["returns_overdue"]
    assert first and later, "the fixture's budget has a return overdue by June 2027"
    assert [r["days_overdue"] + 7 for r in first] == [r["days_overdue"] for r in later]
