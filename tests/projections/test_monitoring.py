"""The monitoring read model on both stores, against a small ledger worked by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests.builders import a_spend_on, open_budget, open_funded_budget
from tests.conftest import CASEWORKER, FAMILY
from tests.projections.conftest import settled

D = Decimal
OCT_5 = date(2026, 10, 5)


def gated_budget(ledger, due_on: date = date(2026, 10, 1), **fields):  # type: ignore[no-untyped-def]
    """600.00 social care: instalment 1 (300.00, ungated) released, instalment 2 (300.00) gated."""
    budget_id = open_funded_budget(ledger, streams={"social_care": "600.00"}, released="300.00", **fields)
    ledger.schedule_instalment(CASEWORKER, budget_id, D("300.00"), due_on, True)
    return budget_id


def test_a_submitted_return_waits_and_its_gated_instalment_is_overdue(ledger, readside) -> None:
    budget_id = gated_budget(ledger, reference="MON-1")
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("100.00", "personal_assistant", date(2026, 5, 1)))
    wrong = ledger.record_spend(
        CASEWORKER, budget_id, a_spend_on("30.00", "transport", date(2026, 6, 10))
    ).result
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("50.00", "befriending", date(2026, 7, 15)))
    ledger.reverse_spend(CASEWORKER, budget_id, wrong.spend_id, "not ours")
    ledger.submit_return(FAMILY, budget_id, date(2026, 4, 1), date(2026, 6, 30), D("120.00"), "Q1")

    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)

    [waiting] = found["waiting"]
    assert (waiting["reference"], waiting["return_id"], waiting["status"]) == ("MON-1", "R1", "submitted")
    assert (waiting["period_start"], waiting["period_end"]) == ("2026-04-01", "2026-06-30")
    assert waiting["decided_at"] is None
    submitted_on = date.fromisoformat(waiting["submitted_at"][:10])
    later = settled(readside, ledger, "monitoring").monitoring(submitted_on + timedelta(days=3))
    assert later["waiting"][0]["days_waiting"] == 3
    [gated] = found["gated_waiting"]
    assert gated == {
        "budget_id": str(budget_id),
        "reference": "MON-1",
        "number": 2,
        "amount": D("300.00"),
        "due_on": "2026-10-01",
        "latest_return_status": "submitted",  # waiting on the caseworker's decision
        "days_overdue": 4,  # 5 October - 1 October
    }
    assert found["overdue"] == [gated]
    # declared 120.00; recorded within April to June: 100.00 (the 30.00 was reversed, the 50.00 is July)
    [discrepancy] = found["discrepancies"]
    assert (discrepancy["declared"], discrepancy["recorded"], discrepancy["difference"]) == (
        D("120.00"),
        D("100.00"),
        D("20.00"),
    )


def test_a_queried_return_stops_waiting_and_an_accepted_one_ungates(ledger, readside) -> None:
    budget_id = gated_budget(ledger, reference="MON-2")
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("150.00", "personal_assistant", date(2026, 5, 1)))
    ledger.submit_return(FAMILY, budget_id, date(2026, 4, 1), date(2026, 6, 30), D("120.00"), "Q1")
    ledger.query_return(CASEWORKER, budget_id, "R1", "receipts please")
    view = settled(readside, ledger, "monitoring")
    found = view.monitoring(OCT_5)
    assert found["waiting"] == []
    assert [g["latest_return_status"] for g in found["gated_waiting"]] == ["queried"]
    assert [(d["return_id"], d["difference"]) for d in found["discrepancies"]] == [("R1", D("-30.00"))]

    ledger.submit_return(FAMILY, budget_id, date(2026, 4, 1), date(2026, 9, 30), D("150.00"), "again")
    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)
    assert [w["return_id"] for w in found["waiting"]] == ["R2"]
    assert [d["return_id"] for d in found["discrepancies"]] == ["R1"]  # R2 matches: 150.00 both

    ledger.accept_return(CASEWORKER, budget_id, "R2")
    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)
    assert found["waiting"] == [] and found["gated_waiting"] == [] and found["overdue"] == []

    # after the release, a new gated instalment waits again: R2 was submitted before that release
    ledger.release_instalment(CASEWORKER, budget_id, 2)
    ledger.revise_allocation(CASEWORKER, budget_id, {"social_care": D("800.00")}, "uplift")
    ledger.schedule_instalment(CASEWORKER, budget_id, D("200.00"), date(2027, 1, 1), True)
    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)
    assert [(g["number"], g["latest_return_status"], g["days_overdue"]) for g in found["gated_waiting"]] == [
        (3, None, 0)
    ]
    assert found["overdue"] == []  # due 1 January 2027, after 5 October

    summary = view.budget_monitoring(str(budget_id))
    assert summary["last_accepted_return"]["return_id"] == "R2"
    assert [(r["return_id"], r["status"]) for r in summary["returns"]] == [
        ("R1", "queried"),
        ("R2", "accepted"),
    ]
    assert [(i["number"], i["gated"], i["status"]) for i in summary["instalments"]] == [
        (1, False, "released"),
        (2, True, "released"),
        (3, True, "scheduled"),
    ]


def test_overdue_counts_from_the_due_date_itself(ledger, readside) -> None:
    gated_budget(ledger, due_on=OCT_5, reference="MON-3")
    gated_budget(ledger, due_on=date(2026, 10, 6), reference="MON-4")
    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)
    assert [(g["reference"], g["days_overdue"]) for g in found["gated_waiting"]] == [
        ("MON-3", 0),
        ("MON-4", 0),
    ]
    assert [g["reference"] for g in found["overdue"]] == ["MON-3"]


def test_closed_budgets_drop_out_of_waiting_and_overdue_but_keep_their_discrepancies(
    ledger, readside
) -> None:
    budget_id = open_budget(ledger, reference="MON-5")
    ledger.decide_allocation(CASEWORKER, budget_id, {"social_care": D("600.00")}, "flat rate")
    ledger.schedule_instalment(CASEWORKER, budget_id, D("300.00"), date(2026, 6, 1), True)
    ledger.submit_return(FAMILY, budget_id, date(2026, 4, 1), date(2026, 6, 30), D("10.00"), "nothing")
    view = settled(readside, ledger, "monitoring")
    assert [w["reference"] for w in view.monitoring(OCT_5)["waiting"]] == ["MON-5"]

    ledger.close_budget(CASEWORKER, budget_id, "family moved away")  # nothing released: available 0
    found = settled(readside, ledger, "monitoring").monitoring(OCT_5)
    assert found["waiting"] == [] and found["gated_waiting"] == [] and found["overdue"] == []
    assert [(d["reference"], d["difference"]) for d in found["discrepancies"]] == [("MON-5", D("10.00"))]
    assert view.budget_monitoring(str(budget_id))["status"] == "closed"
    assert view.budget_monitoring("no-such-budget") is None


def test_trial_spends_are_not_recorded_spend(ledger, readside) -> None:
    budget_id = gated_budget(ledger, reference="MON-6")
    trial = ledger.start_trial(CASEWORKER, budget_id, "t", D("100.00"), D("100.00")).result
    ledger.record_trial_spend(CASEWORKER, budget_id, trial, a_spend_on("40.00", "outreach", date(2026, 5, 1)))
    ledger.submit_return(FAMILY, budget_id, date(2026, 4, 1), date(2026, 6, 30), D("0.00"), "none")
    assert settled(readside, ledger, "monitoring").monitoring(OCT_5)["discrepancies"] == []
