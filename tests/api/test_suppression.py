"""Small-number suppression (issue 14): no commissioner's aggregate covers fewer than 5 families.

Auditors see every figure; a commissioner sees a group covering too few families
withheld (keys kept, figures null, `suppressed: true`), one more group withheld
beside it so the shown total cannot give it back by subtraction, and the count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from api.security import suppress
from ledger.projections.suppression import withhold
from tests.api.conftest import Api
from tests.api.test_analytics import caught_up, spend
from tests.builders import open_funded_budget

MAY = date(2026, 5, 3)


def families_spending(api: Api, cohort: str, category: str, families: int, amount: str = "10.00") -> None:
    for n in range(families):
        budget_id = open_funded_budget(
            api.service, family_ref=f"FAM-{cohort}-{category[:3]}-{n}", cohort=cohort
        )
        unit = "nights" if category == "residential_overnight" else "hours"
        spend(api, budget_id, amount, category, MAY, "2", unit)


def test_a_cohort_of_one_shows_a_commissioner_nothing_but_the_suppression(live_api: Api) -> None:
    families_spending(live_api, "solo", "residential_overnight", 1, "47.50")
    caught_up(live_api)
    query = "/v1/analytics/spending?group_by=month,category&cohort=solo"
    body = live_api.get(query, "commissioner").json()
    assert body["total"] is None and body["suppression_threshold"] == 5
    assert body["groups"] == [
        {"month": "2026-05", "category": "residential_overnight", "amount": None, "share": None,
         "units": {}, "unit_costs": {}, "suppressed": True},
    ]  # fmt: skip
    assert body["suppressed_groups"] == 1
    assert "47.50" not in live_api.get(query, "commissioner", headers={"Accept": "text/csv"}).text
    audited = live_api.get(query, "auditor").json()
    assert audited["total"] == "47.50" and audited["suppressed_groups"] == 0
    assert audited["suppression_threshold"] is None


def test_a_small_group_is_withheld_with_a_complement_so_the_total_gives_neither_back(live_api: Api) -> None:
    families_spending(live_api, "c", "personal_assistant", 6, "10.00")
    families_spending(live_api, "c", "community_activity", 7, "20.00")
    families_spending(live_api, "c", "residential_overnight", 1, "47.50")
    caught_up(live_api)
    body = live_api.get("/v1/analytics/spending?group_by=category", "commissioner").json()
    groups = {g["category"]: g for g in body["groups"]}
    assert groups["residential_overnight"]["suppressed"] and groups["residential_overnight"]["amount"] is None
    assert groups["personal_assistant"]["suppressed"]  # the complement: the fewest families beside it
    assert groups["community_activity"] == {
        "category": "community_activity", "amount": "140.00", "share": groups["community_activity"]["share"],
        "units": {"hours": "14.00"}, "unit_costs": {"hours": "10.00"}, "suppressed": False,
    }  # fmt: skip
    assert body["total"] == "247.50" and body["suppressed_groups"] == 2
    hidden = Decimal(body["total"]) - Decimal("140.00")
    assert hidden not in (Decimal("47.50"), Decimal("60.00"))  # neither withheld group alone


def test_the_portfolio_withholds_small_cohorts_and_their_complement(live_api: Api) -> None:
    families_spending(live_api, "big", "personal_assistant", 6)
    families_spending(live_api, "tiny", "personal_assistant", 1)
    caught_up(live_api)
    body = live_api.get("/v1/analytics/portfolio", "commissioner").json()
    cohorts = {c["cohort"]: c for c in body["by_cohort"]}
    assert cohorts["tiny"]["suppressed"] and cohorts["tiny"]["allocated"] is None
    assert cohorts["tiny"]["budgets"] is None
    assert cohorts["big"]["suppressed"]  # two cohorts and a total: one alone would be a subtraction
    assert body["budgets"] == 7 and body["allocated"] == "7000.00"  # 7 families: the total is shown
    assert body["suppressed_groups"] >= 2
    assert live_api.get("/v1/analytics/portfolio", "auditor").json()["by_cohort"] == [
        {**c, "suppressed": False}
        for c in live_api.get("/v1/analytics/portfolio", "auditor").json()["by_cohort"]
    ]


def test_a_portfolio_of_too_few_families_shows_no_totals(live_api: Api) -> None:
    families_spending(live_api, "few", "personal_assistant", 3)
    caught_up(live_api)
    body = live_api.get("/v1/analytics/portfolio", "commissioner").json()
    assert body["budgets"] is None and body["allocated"] is None
    assert all(
        row["suppressed"] for kind in ("by_cohort", "by_management", "by_stream") for row in body[kind]
    )
    assert all(e["allocated"] is None for e in body["envelopes"])
    assert live_api.get("/v1/analytics/portfolio", "auditor").json()["budgets"] == 3


@given(
    st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 9)), min_size=1, max_size=12),
    st.integers(1, 6),
)
def test_no_partition_is_left_with_one_withheld_group_and_every_small_group_is_withheld(
    rows: list[tuple[str, int]], threshold: int
) -> None:
    groups = [{"part": part, "amount": "1.00", "n": i} for i, (part, _) in enumerate(rows)]
    families = [count for _, count in rows]
    out, hidden = withhold(groups, families, threshold, ("amount",), lambda g: g["part"])
    assert hidden == sum(g["suppressed"] for g in out)
    for group, count in zip(out, families, strict=True):
        if count < threshold:
            assert group["suppressed"] and group["amount"] is None
    for part in "ab":
        members = [g for g in out if g["part"] == part]
        assert len(members) <= 1 or sum(g["suppressed"] for g in members) != 1


@given(
    st.lists(st.frozensets(st.integers(0, 7), min_size=1), max_size=6),
    st.integers(1, 8),
)
def test_the_whole_answer_is_counted_by_the_store_only_when_the_groups_counts_cannot_tell(
    groups: list[frozenset[int]], threshold: int
) -> None:
    """The families behind the whole answer lie between the most behind one group and the sum."""
    everyone = len(frozenset().union(*groups))
    asked: list[int] = []

    def whole() -> int:
        asked.append(everyone)
        return everyone

    counts = [len(g) for g in groups]
    assert suppress.fewer_families(counts, threshold, whole) == (everyone < threshold)
    assert bool(asked) == (max(counts, default=0) < threshold <= sum(counts))
