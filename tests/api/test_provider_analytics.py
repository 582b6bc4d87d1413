"""Unit costs by provider over HTTP, on a small ledger whose figures are worked by hand (both stores)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.spending import SpendRequest
from ledger.providers import approve_provider, register_provider
from tests.api.conftest import Api, problem_of
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER


def caught_up(api: Api) -> None:
    api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]


def provider(api: Api, reference: str, in_house: bool) -> str:
    outcome = register_provider(api.service, CASEWORKER, reference, "organisation", in_house)
    approve_provider(
        api.service,
        CASEWORKER,
        outcome.provider.id,
        "registered_care_provider",
        date(2026, 4, 1),
        date(2027, 3, 31),
        "CQC-1",
    )
    return str(outcome.provider.id)


def night(api: Api, budget_id: Any, pid: str | None, amount: str, nights: str, day: int) -> str:
    request = SpendRequest(
        Decimal(amount),
        "residential_overnight",
        "" if pid else "Respite Ltd",
        date(2026, 5, day),
        "stay",
        Decimal(nights),
        "nights",
        provider_id=pid,
    )
    return api.service.record_spend(CASEWORKER, budget_id, request).result.spend_id


def small_ledger(api: Api) -> dict[str, str]:
    """In-house unit: 300.00 for 2 nights, then 250.00 for 2 nights reversed; external home: 360.00 for
    3 nights and 120.00 for 1 night; a free-text provider: 90.00 for 1 night."""
    budget_id = open_funded_budget(api.service, allocated="2000.00", released="2000.00")
    unit, home = provider(api, "RES-0001", True), provider(api, "RES-0002", False)
    night(api, budget_id, unit, "300.00", "2", 2)
    wrong = night(api, budget_id, unit, "250.00", "2", 3)
    api.service.reverse_spend(CASEWORKER, budget_id, wrong, "entered against the wrong child")
    night(api, budget_id, home, "360.00", "3", 9)
    night(api, budget_id, home, "120.00", "1", 20)
    night(api, budget_id, None, "90.00", "1", 21)
    caught_up(api)
    return {"unit": unit, "home": home}


def test_unit_costs_by_provider_net_of_reversals_and_in_house_against_external(live_api: Api) -> None:
    ids = small_ledger(live_api)
    answer = live_api.get("/v1/analytics/providers", "auditor")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = {r["provider_id"]: r for r in body["providers"]}
    # in-house: 300.00 / 2 nights = 150.00 (the reversed 250.00 and its 2 nights netted out)
    assert rows[ids["unit"]]["amount"] == "300.00"
    assert rows[ids["unit"]]["units"] == {"nights": "2.00"}
    assert rows[ids["unit"]]["unit_costs"] == {"nights": "150.00"}
    assert rows[ids["unit"]]["in_house"] is True and rows[ids["unit"]]["reference"] == "RES-0001"
    # external: 480.00 / 4 nights = 120.00
    assert rows[ids["home"]]["unit_costs"] == {"nights": "120.00"}
    assert rows[ids["home"]]["in_house"] is False
    assert rows[None]["amount"] == "90.00" and rows[None]["in_house"] is None
    sides = {r["side"]: r for r in body["in_house_vs_external"]}
    assert sides["in_house"]["unit_costs"] == {"nights": "150.00"}
    assert sides["external"]["unit_costs"] == {"nights": "120.00"}
    assert sides["unregistered"]["unit_costs"] == {"nights": "90.00"}
    assert body["total"] == "870.00"  # 300 + 360 + 120 + 90


def test_unit_costs_by_month_and_as_csv(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/providers?by=month", "auditor").json()
    assert {r["month"] for r in body["providers"]} == {"2026-05"}
    csv = live_api.get("/v1/analytics/providers", "auditor", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert "RES-0001" in csv.text and "150.00" in csv.text
    problem_of(live_api.get("/v1/analytics/providers?by=stream", "auditor"), 422)


def test_a_commissioner_sees_one_familys_provider_costs_withheld(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/providers", "commissioner").json()
    assert body["suppression_threshold"] is not None
    assert all(r["suppressed"] and r["amount"] is None for r in body["providers"])
    assert body["total"] is None
    for who in ("caseworker", "broker_own", "family_own", "admin"):
        problem_of(live_api.get("/v1/analytics/providers", who), 403, "forbidden")


def test_spending_by_provider_groups_by_register_entry_net_of_reversals(live_api: Api) -> None:
    ids = small_ledger(live_api)
    answer = live_api.get("/v1/analytics/spending?group_by=provider", "auditor")
    assert answer.status_code == 200, answer.text
    groups = {g["provider"]: g for g in answer.json()["groups"]}
    assert set(groups) == {ids["unit"], ids["home"], "unregistered"}
    # in-house: 300.00 for 2 nights (the 250.00 for 2 nights reversed nets out): 150.00 a night
    assert groups[ids["unit"]]["amount"] == "300.00"
    assert groups[ids["unit"]]["units"] == {"nights": "2.00"}
    assert groups[ids["unit"]]["unit_costs"] == {"nights": "150.00"}
    # external: 360.00 + 120.00 = 480.00 for 4 nights: 120.00 a night
    assert groups[ids["home"]]["amount"] == "480.00"
    assert groups[ids["home"]]["unit_costs"] == {"nights": "120.00"}
    # free text is one group and never named: it may be a person's name
    assert groups["unregistered"]["amount"] == "90.00"
    # of 870.00: 0.34482, 0.55172, 0.10344 to four places by largest remainder (the last gains 1)
    shares = [groups[k]["share"] for k in (ids["unit"], ids["home"], "unregistered")]
    assert shares == ["0.3448", "0.5517", "0.1035"]
    assert answer.json()["total"] == "870.00"
    csv = live_api.get(
        "/v1/analytics/spending?group_by=category,provider", "auditor", headers={"Accept": "text/csv"}
    )
    assert csv.text.splitlines()[0].startswith("category,provider,amount,share")
    assert f"residential_overnight,{ids['home']},480.00," in csv.text
    assert "Respite Ltd" not in csv.text and "Respite Ltd" not in answer.text


def test_a_commissioner_sees_one_familys_spending_by_provider_withheld(live_api: Api) -> None:
    small_ledger(live_api)
    body = live_api.get("/v1/analytics/spending?group_by=provider", "commissioner").json()
    assert body["suppression_threshold"] is not None and body["suppressed_groups"] == 3
    assert all(g["suppressed"] and g["amount"] is None for g in body["groups"])
    assert body["total"] is None
