"""Read your writes: every write answers `X-Ledger-Position`; a read given `min_position` waits for it."""

from __future__ import annotations

import uuid

from ledger.settings import Settings
from tests.api.conftest import Api, Prepared, open_body, problem_of, spend_body


def test_open_then_list_with_min_position_always_finds_the_new_budget(live_api: Api) -> None:
    for _ in range(50):
        family = f"FAM-{uuid.uuid4().hex[:8]}"
        opened = live_api.post("/v1/budgets", json=open_body(family_ref=family))
        assert opened.status_code == 201, opened.text
        position = opened.headers["X-Ledger-Position"]
        listed = live_api.get(f"/v1/budgets?family_ref={family}&min_position={position}")
        assert listed.status_code == 200, listed.text
        assert [b["id"] for b in listed.json()["items"]] == [opened.json()["id"]]
        assert int(listed.headers["X-Projection-Position"]) >= int(position)


def test_analytics_wait_for_a_spend_they_were_told_of(live_api: Api, prepared: Prepared) -> None:
    spent = live_api.post(
        f"/v1/budgets/{prepared.budget_id}/spends",
        json=spend_body(amount="12.34", category="equipment"),
        headers={"Idempotency-Key": "rw"},
    )
    position = spent.headers["X-Ledger-Position"]
    for route in ("spending?group_by=category&", "portfolio?", "monitoring?"):
        who = "caseworker" if route == "monitoring?" else "commissioner"
        answer = live_api.get(f"/v1/analytics/{route}min_position={position}", who)
        assert answer.status_code == 200, answer.text
        assert int(answer.headers["X-Projection-Position"]) >= int(position)
    by_category = live_api.get(f"/v1/analytics/spending?group_by=category&min_position={position}", "auditor")
    assert any(g["category"] == "equipment" for g in by_category.json()["groups"])


def test_a_position_not_applied_in_time_is_a_503_with_retry_after(api: Api) -> None:
    """The read models do not run in this app, so nothing ever applies the write."""
    api.client.app.state.settings = Settings(read_wait_seconds=0.2)  # type: ignore[attr-defined]
    opened = api.post("/v1/budgets", json=open_body())
    position = opened.headers["X-Ledger-Position"]
    for path in ("/v1/budgets", "/v1/analytics/portfolio"):
        who = "caseworker" if path == "/v1/budgets" else "commissioner"
        answer = api.get(f"{path}?min_position={position}", who)
        problem_of(answer, 503, "read-model-behind")
        assert answer.headers["Retry-After"] == "1"


def test_min_position_is_checked_like_any_query_parameter(api: Api) -> None:
    problem_of(api.get("/v1/budgets?min_position=-1"), 422)
    problem_of(api.get("/v1/budgets?min_position=soon"), 422)
    assert api.get("/v1/budgets?min_position=0").status_code == 200  # nothing to wait for
    beyond = api.service.recorder.max_notification_id() + 1
    problem = problem_of(api.get(f"/v1/budgets?min_position={beyond}"), 422)
    assert "beyond the ledger's newest position" in problem["detail"]


def test_every_write_answers_its_position_and_positions_increase(api: Api, prepared: Prepared) -> None:
    path = f"/v1/budgets/{prepared.budget_id}"
    first = api.post(
        f"{path}/reviews",
        json={"reviewed_on": "2026-10-01", "summary": "ok", "next_review_due": "2027-04-01"},
    )
    second = api.post(f"{path}/suspension", json={"reason": "away"})
    assert int(first.headers["X-Ledger-Position"]) < int(second.headers["X-Ledger-Position"])
    assert int(second.headers["X-Ledger-Position"]) == api.service.recorder.max_notification_id()
