"""Answers that do not grow: commands answer what they did; spends, returns and history come in pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from api.paging import NEWEST
from tests.api.conftest import Api, Prepared, problem_of, spend_body
from tests.builders import a_spend
from tests.conftest import CASEWORKER


def add_spends(api: Api, prepared: Prepared, count: int) -> None:
    for i in range(count):
        api.service.record_spend(CASEWORKER, prepared.budget_id, a_spend("0.10"), idempotency_key=f"p{i}")


def walk(api: Api, path: str, key: str, limit: int) -> list[list[Any]]:
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        answer = api.get(path + query)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json()[key])
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return pages


def test_spends_come_newest_first_in_pages_that_cover_every_spend_once(api: Api, prepared: Prepared) -> None:
    add_spends(api, prepared, 119)  # 120 with the prepared one
    pages = walk(api, f"/v1/budgets/{prepared.budget_id}/spends", "items", 50)
    assert [len(p) for p in pages] == [50, 50, 20]
    ids = [s["spend_id"] for page in pages for s in page]
    stored = list(api.service.load(prepared.budget_id).spends)
    assert ids == stored[::-1]


def test_a_budget_carries_its_newest_spends_and_a_cursor_to_the_rest(api: Api, prepared: Prepared) -> None:
    add_spends(api, prepared, NEWEST + 4)
    budget = api.get(f"/v1/budgets/{prepared.budget_id}").json()
    assert len(budget["spends"]) == NEWEST
    rest = api.get(f"/v1/budgets/{prepared.budget_id}/spends?cursor={budget['spends_next_cursor']}").json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None
    first = api.get(f"/v1/budgets/{prepared.budget_id}/spends?limit={NEWEST}").json()
    assert first["items"] == budget["spends"]


def test_a_small_budget_has_no_cursor(api: Api, prepared: Prepared) -> None:
    assert api.get(f"/v1/budgets/{prepared.budget_id}").json()["spends_next_cursor"] is None


def test_returns_come_in_pages(api: Api, prepared: Prepared) -> None:
    api.service.submit_return(
        CASEWORKER, prepared.budget_id, date(2026, 7, 1), date(2026, 9, 30), Decimal(1), ""
    )
    pages = walk(api, f"/v1/budgets/{prepared.budget_id}/monitoring-returns", "items", 2)
    assert [[r["return_id"] for r in p] for p in pages] == [["R3", "R2"], ["R1"]]


def test_history_pages_join_up_to_the_whole_history(api: Api, prepared: Prepared) -> None:
    add_spends(api, prepared, 30)
    path = f"/v1/budgets/{prepared.budget_id}/history"
    pages = [[e["version"] for e in page] for page in walk(api, path, "events", 7)]
    whole = [e["version"] for e in api.get(path + "?limit=1000").json()["events"]]
    assert [v for page in pages for v in page] == whole == list(range(1, api.version(prepared.budget_id) + 1))
    assert all(len(page) == 7 for page in pages[:-1])


def test_a_cursor_from_elsewhere_or_made_up_is_a_422(api: Api, prepared: Prepared) -> None:
    add_spends(api, prepared, 3)
    path = f"/v1/budgets/{prepared.budget_id}"
    spends_cursor = api.get(f"{path}/spends?limit=1").json()["next_cursor"]
    problem_of(api.get(f"{path}/history?cursor={spends_cursor}"), 422)
    problem_of(api.get(f"{path}/monitoring-returns?cursor={spends_cursor}"), 422)
    problem_of(api.get(f"{path}/spends?cursor=not-a-cursor"), 422)
    problem_of(api.get(f"{path}/spends?limit=0"), 422)


def test_pages_are_read_by_whoever_may_read_the_budget(api: Api, prepared: Prepared) -> None:
    path = f"/v1/budgets/{prepared.budget_id}"
    for who in ("caseworker", "auditor", "broker_own", "family_own"):
        assert api.get(f"{path}/spends", who).status_code == 200, who
        assert api.get(f"{path}/monitoring-returns", who).status_code == 200, who
    for who in ("broker_other", "family_other", "commissioner", "admin"):
        problem_of(api.get(f"{path}/spends", who), 403)
        problem_of(api.get(f"{path}/monitoring-returns", who), 403)


def test_a_commands_answer_is_the_same_size_at_two_and_two_hundred_spends(
    api: Api, prepared: Prepared
) -> None:
    path = f"/v1/budgets/{prepared.budget_id}/spends"

    def answer_size(key: str) -> int:
        answer = api.post(path, json=spend_body(amount="0.10"), headers={"Idempotency-Key": key})
        assert answer.status_code == 201, answer.text
        assert answer.json()["budget"] is None
        return len(answer.content)

    small = answer_size("small")
    add_spends(api, prepared, 200)
    large = answer_size("large")
    assert abs(large - small) <= 8  # only the version's digits and the balances' digits differ
    asked = api.post(
        path,
        json=spend_body(amount="0.10"),
        headers={"Idempotency-Key": "whole", "Prefer": "return=representation"},
    ).json()
    assert len(asked["budget"]["spends"]) == NEWEST and asked["budget"]["version"] == asked["version"]
