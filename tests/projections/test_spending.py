"""The spending read model on both stores, against figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger import errors
from ledger.projections.spending import largest_remainder_shares
from tests.builders import a_spend_on, open_funded_budget
from tests.conftest import CASEWORKER
from tests.projections.conftest import settled

D = Decimal


@pytest.fixture
def cohort_ledger(ledger) -> Any:  # type: ignore[no-untyped-def]
    """Three budgets, seven real spends (one reversed) and one trial spend.

    A: pilot, direct_payment, social_care only     B: pilot, broker_held, social_care + health
    C: legacy, council_managed, social_care only
    real, net:  A PA  2026-05-10 120.00  8 hours     -> social_care (A's only stream)
                A RO  2026-05-20 300.00  2 nights    -> social_care
                A CA  2026-06-03  45.00              -> social_care
                A PA  2026-06-15  90.00  6 hours     REVERSED
                B PA  2026-05-12 150.00 10 hours     -> health (named)
                B RO  2026-06-20 400.00  2 nights    -> unassigned (two streams, none named)
                C CA  2026-06-01  60.00  3 sessions  -> social_care
    total 120 + 300 + 45 + 150 + 400 + 60 = 1075.00
    trial (A, T1): PA 2026-06-10 80.00 5 hours
    """
    a = open_funded_budget(ledger, streams={"social_care": "1000.00"}, released="1000.00", cohort="pilot")
    b = open_funded_budget(
        ledger,
        streams={"social_care": "600.00", "health": "400.00"},
        released="1000.00",
        cohort="pilot",
        management="broker_held",
    )
    c = open_funded_budget(
        ledger,
        streams={"social_care": "500.00"},
        released="500.00",
        cohort="legacy",
        management="council_managed",
    )
    ledger.record_spend(
        CASEWORKER, a, a_spend_on("120.00", "personal_assistant", date(2026, 5, 10), "8", "hours")
    )
    ledger.record_spend(
        CASEWORKER, a, a_spend_on("300.00", "residential_overnight", date(2026, 5, 20), "2", "nights")
    )
    ledger.record_spend(CASEWORKER, a, a_spend_on("45.00", "community_activity", date(2026, 6, 3)))
    wrong = ledger.record_spend(
        CASEWORKER, a, a_spend_on("90.00", "personal_assistant", date(2026, 6, 15), "6", "hours")
    ).result
    ledger.record_spend(
        CASEWORKER, b, a_spend_on("150.00", "personal_assistant", date(2026, 5, 12), "10", "hours", "health")
    )
    ledger.record_spend(
        CASEWORKER, b, a_spend_on("400.00", "residential_overnight", date(2026, 6, 20), "2", "nights")
    )
    ledger.record_spend(
        CASEWORKER, c, a_spend_on("60.00", "community_activity", date(2026, 6, 1), "3", "sessions")
    )
    trial = ledger.start_trial(CASEWORKER, a, "PA instead of respite", D("500.00"), D("900.00")).result
    ledger.record_trial_spend(
        CASEWORKER, a, trial, a_spend_on("80.00", "personal_assistant", date(2026, 6, 10), "5", "hours")
    )
    ledger.reverse_spend(CASEWORKER, a, wrong.spend_id, "charged twice")
    return ledger


def test_shares_by_category_are_of_the_total_and_sum_exactly_to_one(cohort_ledger, readside) -> None:
    result = settled(readside, cohort_ledger, "spending").spending(["category"])
    # 105/1075 = .09767 -> 976 r.744; 270/1075 = .25116 -> 2511 r.627; 700/1075 = .65116 -> 6511 r.627:
    # 9998, so two ten-thousandths go by largest remainder: community_activity, then the tie to the
    # first in order (personal_assistant). Rounding each half-up would have summed to 1.0001.
    assert result == {
        "groups": [
            {
                "category": "community_activity",
                "amount": D("105.00"),
                "units": {"sessions": D("3.00")},
                "share": D("0.0977"),
                "unit_costs": {"sessions": D("20.00")},  # only C's 60.00 came with units
            },
            {
                "category": "personal_assistant",
                "amount": D("270.00"),  # 120 + 150; the reversed 90 nets out
                "units": {"hours": D("18.00")},
                "share": D("0.2512"),
                "unit_costs": {"hours": D("15.00")},
            },
            {
                "category": "residential_overnight",
                "amount": D("700.00"),
                "units": {"nights": D("4.00")},
                "share": D("0.6511"),
                "unit_costs": {"nights": D("175.00")},
            },
        ],
        "total": D("1075.00"),
    }
    assert sum(g["share"] for g in result["groups"]) == 1


def test_grouping_by_month_then_category_gives_each_months_shares(cohort_ledger, readside) -> None:
    result = settled(readside, cohort_ledger, "spending").spending(["month", "category"])
    rows = [(g["month"], g["category"], g["amount"], g["share"]) for g in result["groups"]]
    # May: 270 + 300 = 570: 270/570 = .47368 (r.84, +1) and 300/570 = .52631
    # June: 45 + 60 + 400 = 505 (the reversed PA is gone): 105/505 = .20792, 400/505 = .79207 (r.79, +1)
    assert rows == [
        ("2026-05", "personal_assistant", D("270.00"), D("0.4737")),
        ("2026-05", "residential_overnight", D("300.00"), D("0.5263")),
        ("2026-06", "community_activity", D("105.00"), D("0.2079")),
        ("2026-06", "residential_overnight", D("400.00"), D("0.7921")),
    ]
    assert result["total"] == D("1075.00")


def test_spends_are_attributed_to_the_named_the_only_or_no_stream(cohort_ledger, readside) -> None:
    result = settled(readside, cohort_ledger, "spending").spending(["stream"])
    # health 150 (named); social_care 120 + 300 + 45 + 60 = 525; unassigned 400 (B has two streams)
    # 1395 r.348, 4883 r.72, 3720 r.93: 9998, +1 to unassigned and to social_care
    assert [(g["stream"], g["amount"], g["share"]) for g in result["groups"]] == [
        ("health", D("150.00"), D("0.1395")),
        ("social_care", D("525.00"), D("0.4884")),
        ("unassigned", D("400.00"), D("0.3721")),
    ]


def test_filters_by_service_date_and_cohort_and_groups_by_management(cohort_ledger, readside) -> None:
    view = settled(readside, cohort_ledger, "spending")
    june = view.spending([], date_from=date(2026, 6, 1), date_to=date(2026, 6, 30))
    assert june["total"] == D("505.00")  # 45 + 400 + 60
    assert june["groups"][0]["share"] == D("1.0000")
    assert view.spending(["category"], cohort="legacy")["total"] == D("60.00")
    by_management = view.spending(["management", "cohort"])
    assert [(g["management"], g["cohort"], g["amount"], g["share"]) for g in by_management["groups"]] == [
        ("broker_held", "pilot", D("550.00"), D("1.0000")),  # one cohort per management: each share is 1
        ("council_managed", "legacy", D("60.00"), D("1.0000")),
        ("direct_payment", "pilot", D("465.00"), D("1.0000")),
    ]


def test_trial_spends_count_only_when_asked(cohort_ledger, readside) -> None:
    view = settled(readside, cohort_ledger, "spending")
    with_trials = view.spending(["category"], include_trials=True)
    assert with_trials["total"] == D("1155.00")  # 1075 + the trial's 80
    pa = next(g for g in with_trials["groups"] if g["category"] == "personal_assistant")
    assert pa["amount"] == D("350.00")
    assert pa["units"] == {"hours": D("23.00")}
    assert pa["unit_costs"] == {"hours": D("15.22")}  # 350 / 23 = 15.2173...
    assert view.spending([], cohort="pilot")["total"] == D("1015.00")  # 1075 - C's 60, no trial


def test_a_revision_changes_the_stream_of_later_spends_only(ledger, readside) -> None:
    budget_id = open_funded_budget(ledger, streams={"social_care": "500.00"}, released="500.00")
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("10.00", "transport", date(2026, 5, 1)))
    ledger.revise_allocation(CASEWORKER, budget_id, {"social_care": D("500.00"), "health": D("100.00")}, "x")
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("20.00", "transport", date(2026, 5, 2)))
    ledger.revise_allocation(CASEWORKER, budget_id, {"social_care": D("500.00"), "health": D("0.00")}, "y")
    ledger.record_spend(CASEWORKER, budget_id, a_spend_on("30.00", "transport", date(2026, 5, 3)))
    result = settled(readside, ledger, "spending").spending(["stream"])
    # 10 and 30 when social_care was the only stream above zero; 20 when there were two
    assert [(g["stream"], g["amount"]) for g in result["groups"]] == [
        ("social_care", D("40.00")),
        ("unassigned", D("20.00")),
    ]


def test_an_empty_ledger_has_no_groups_and_a_zero_total(ledger, readside) -> None:
    assert settled(readside, ledger, "spending").spending(["category"]) == {
        "groups": [],
        "total": D("0.00"),
    }


def test_unknown_or_repeated_grouping_keys_and_backwards_periods_are_refused(ledger, readside) -> None:
    view = readside.view("spending")
    with pytest.raises(errors.InvalidInput):
        view.spending(["family_ref"])
    with pytest.raises(errors.InvalidInput):
        view.spending(["month", "month"])
    with pytest.raises(errors.InvalidPeriod):
        view.spending([], date_from=date(2026, 6, 1), date_to=date(2026, 5, 1))


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([1, 1, 1], ["0.3334", "0.3333", "0.3333"]),
        ([2, 1], ["0.6667", "0.3333"]),
        ([5], ["1.0000"]),
        ([1, 0], ["1.0000", "0.0000"]),
        ([1, 99999], ["0.0000", "1.0000"]),
    ],
)
def test_largest_remainder_shares_sum_exactly_to_one(amounts: list[int], expected: list[str]) -> None:
    shares = largest_remainder_shares(amounts)
    assert shares == [D(s) for s in expected]
    assert sum(shares) == 1
