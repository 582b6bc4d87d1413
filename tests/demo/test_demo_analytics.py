"""The seed's question asked of the demo cohort over HTTP: is spending moving to personal assistants?"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.demo import load_demo
from ledger.keys import create_key
from ledger.use_cases import LedgerService


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    service = LedgerService(url=f"sqlite:///{tmp_path_factory.mktemp('demo')}/ledger.db")
    load_demo(service)
    headers = {"Authorization": f"Bearer {create_key(service, 'commissioner', 'test')[1]}"}
    with TestClient(create_app(service=service)) as client:  # projections run in the background
        client.app.state.read_side.wait(service.recorder.max_notification_id(), timeout=60)  # type: ignore[attr-defined]
        yield client, headers
    service.close()


def shares_by_month(body: dict[str, Any], category: str) -> list[Decimal]:
    return [Decimal(g["share"]) for g in body["groups"] if g["category"] == category]


def test_the_personal_assistant_share_rises_and_residential_falls_month_by_month(demo_api: Any) -> None:
    client, headers = demo_api
    answer = client.get("/v1/analytics/spending?group_by=month,category", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    pa = shares_by_month(body, "personal_assistant")
    residential = shares_by_month(body, "residential_overnight")
    assert len(pa) == 12
    assert all(later > earlier for earlier, later in pairwise(pa))
    assert all(later < earlier for earlier, later in pairwise(residential))


def test_the_portfolio_totals_the_cohorts_allocations(demo_api: Any) -> None:
    client, headers = demo_api
    body = client.get("/v1/analytics/portfolio", headers=headers).json()
    assert body["budgets"] == 92
    assert body["allocated"] == "397450.00"
    assert sum(Decimal(c["allocated"]) for c in body["by_management"]) == Decimal("397450.00")


def test_unit_costs_per_hour_and_night_are_answered(demo_api: Any) -> None:
    client, headers = demo_api
    body = client.get("/v1/analytics/spending?group_by=category", headers=headers).json()
    costs = {g["category"]: g["unit_costs"] for g in body["groups"]}
    assert Decimal(costs["personal_assistant"]["hours"]) > 0
    assert Decimal(costs["residential_overnight"]["nights"]) > 0
