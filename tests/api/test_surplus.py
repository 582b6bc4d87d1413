"""`GET /v1/analytics/surplus` over HTTP, on a small ledger whose figures are worked by hand.

The scheme `local-with-holding-limit` (the test commands' scheme: the default's
rules plus `surplus_weeks: 4`) lets a budget hold four weeks of support. Every
budget here runs 2026-04-01 to 2027-03-31: 365 days, 365/7 weeks.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger.aggregates.spending import SpendRequest
from ledger.schemes.published import publish_scheme
from tests.api.conftest import Api
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER
from tests.projections.commands import HOLDING_LIMIT


def caught_up(api: Api) -> None:
    api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]


def small_ledger(api: Api) -> dict[str, UUID]:
    """A holds 600.00 of 1000.00; B spent 560.00 of its 600.00; C holds 1000.00 under the default scheme."""
    publish_scheme(api.service, HOLDING_LIMIT, "test")
    a = open_funded_budget(api.service, family_ref="FAM-A", scheme=HOLDING_LIMIT["id"])
    b = open_funded_budget(api.service, family_ref="FAM-B", scheme=HOLDING_LIMIT["id"])
    request = SpendRequest(Decimal("560.00"), "personal_assistant", "PA", date(2026, 5, 1), "care")
    api.service.record_spend(CASEWORKER, b, request)
    c = open_funded_budget(api.service, family_ref="FAM-C", released="1000.00")
    caught_up(api)
    return {"a": a, "b": b, "c": c}


def test_caseworkers_see_each_budget_above_its_weeks_of_support_and_what_is_reclaimable(
    live_api: Api,
) -> None:
    ids = small_ledger(live_api)
    answer = live_api.get("/v1/analytics/surplus", "caseworker")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # A: weekly support 1000.00 * 7 / 365 = 19.178 -> 19.18; four weeks 28000 / 365 = 76.712 -> 76.71;
    # available 600.00, so 600.00 - 76.71 = 523.29 reclaimable. B holds 40.00 (< 76.71): not listed.
    # C's scheme sets no surplus threshold: not listed however much it holds.
    [row] = body["budgets"]
    assert row["id"] == str(ids["a"]) and row["scheme"] == "local-with-holding-limit"
    assert (row["surplus_weeks"], row["allocated"], row["available"]) == (4, "1000.00", "600.00")
    assert (row["weekly_support"], row["threshold"], row["reclaimable"]) == ("19.18", "76.71", "523.29")
    assert body["totals"] == {
        "budgets": 1,
        "families": 1,
        "available": "600.00",
        "reclaimable": "523.29",
        "suppressed": False,
    }
    assert answer.headers["X-Projection-Lag"] == "0"


def test_auditors_see_the_same_budgets_and_csv_for_spreadsheets(live_api: Api) -> None:
    small_ledger(live_api)
    assert live_api.get("/v1/analytics/surplus", "auditor").json()["totals"]["reclaimable"] == "523.29"
    answer = live_api.get("/v1/analytics/surplus", "auditor", headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(answer.text)))
    assert (row["family_ref"], row["threshold"], row["reclaimable"]) == ("FAM-A", "76.71", "523.29")


def test_recovering_the_reclaimable_amount_takes_the_budget_off_the_list(live_api: Api) -> None:
    ids = small_ledger(live_api)
    live_api.service.recover_surplus(CASEWORKER, ids["a"], Decimal("523.29"), "above four weeks")
    caught_up(live_api)
    body = live_api.get("/v1/analytics/surplus", "caseworker").json()
    assert body["budgets"] == []
    assert body["totals"] == {
        "budgets": 0,
        "families": 0,
        "available": "0.00",
        "reclaimable": "0.00",
        "suppressed": False,
    }


def test_commissioners_see_totals_only_withheld_below_the_suppression_threshold(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/surplus", "commissioner").json()
    # one family holds a surplus, fewer than the default threshold of 5: no budget, no figure
    assert body["budgets"] is None
    assert body["totals"] == {
        "budgets": None,
        "families": None,
        "available": None,
        "reclaimable": None,
        "suppressed": True,
    }
    assert body["suppression_threshold"] == 5


def test_commissioners_see_totals_of_enough_families(live_api: Api) -> None:
    publish_scheme(live_api.service, HOLDING_LIMIT, "test")
    for n in range(5):
        open_funded_budget(live_api.service, family_ref=f"FAM-{n}", scheme=HOLDING_LIMIT["id"])
    caught_up(live_api)
    body = live_api.get("/v1/analytics/surplus", "commissioner").json()
    # five budgets like A above: 5 * 600.00 held, 5 * 523.29 reclaimable
    assert body["budgets"] is None
    assert body["totals"] == {
        "budgets": 5,
        "families": 5,
        "available": "3000.00",
        "reclaimable": "2616.45",
        "suppressed": False,
    }


def test_refused_roles_get_403(live_api: Api) -> None:
    for who in ("family_own", "broker_own", "admin"):
        answer = live_api.get("/v1/analytics/surplus", who)
        assert answer.status_code == 403, (who, answer.text)


def test_min_position_waits_for_the_write_it_names(live_api: Api) -> None:
    publish_scheme(live_api.service, HOLDING_LIMIT, "test")
    open_funded_budget(live_api.service, family_ref="FAM-A", scheme=HOLDING_LIMIT["id"])
    position = live_api.service.recorder.max_notification_id()
    answer = live_api.get(f"/v1/analytics/surplus?min_position={position}", "caseworker")
    assert answer.status_code == 200, answer.text
    assert answer.json()["totals"]["budgets"] == 1
