"""GET /v1/budgets: the list from the balances read model, paged by a stable cursor."""

from __future__ import annotations

from tests.api.conftest import PROBLEM_JSON, Api
from tests.builders import open_budget, open_funded_budget


def opened(api: Api, n: int, **fields: object) -> list[str]:
    return [str(open_budget(api.service, **fields)) for _ in range(n)]


def caught_up(api: Api) -> None:
    read_side = api.client.app.state.read_side  # type: ignore[attr-defined]
    read_side.wait(api.service.recorder.max_notification_id(), timeout=20)


def all_pages(api: Api, who: str = "caseworker", query: str = "limit=2") -> list[str]:
    ids: list[str] = []
    url = f"/v1/budgets?{query}"
    while True:
        answer = api.get(url, who)
        assert answer.status_code == 200, answer.text
        ids += [item["id"] for item in answer.json()["items"]]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return ids
        url = f"/v1/budgets?{query}&cursor={cursor}"


def test_pages_follow_the_opening_order_and_end_with_a_null_cursor(live_api: Api) -> None:
    ids = opened(live_api, 5)
    caught_up(live_api)
    assert all_pages(live_api) == ids


def test_the_cursor_stays_stable_while_budgets_are_added(live_api: Api) -> None:
    first = opened(live_api, 3)
    caught_up(live_api)
    page = live_api.get("/v1/budgets?limit=2").json()
    later = opened(live_api, 2)
    caught_up(live_api)
    rest = all_pages(live_api, query=f"limit=2&cursor={page['next_cursor']}")
    assert [i["id"] for i in page["items"]] + rest == first + later


def test_filters_by_cohort_and_status(live_api: Api) -> None:
    pilots = opened(live_api, 2, cohort="pilot")
    opened(live_api, 1, cohort="other")
    caught_up(live_api)
    assert all_pages(live_api, query="limit=10&cohort=pilot") == pilots
    assert all_pages(live_api, query="limit=10&status=active") == []
    assert len(all_pages(live_api, query="limit=10&status=open")) == 3


def test_a_broker_lists_only_its_own_organisations_budgets(live_api: Api) -> None:
    own = opened(live_api, 2, broker_org="brokerage-a")
    opened(live_api, 2, broker_org="brokerage-b")
    caught_up(live_api)
    assert all_pages(live_api, "broker_own", "limit=10") == own


def test_roles_without_the_list_are_refused(live_api: Api) -> None:
    for who in ("commissioner", "admin"):
        answer = live_api.get("/v1/budgets", who)
        assert answer.status_code == 403
        assert answer.headers["content-type"] == PROBLEM_JSON
    assert live_api.get("/v1/budgets", None).status_code == 401


def test_balances_in_the_list_match_the_budget(live_api: Api) -> None:
    budget_id = str(open_funded_budget(live_api.service))
    caught_up(live_api)
    item = live_api.get("/v1/budgets?limit=50").json()["items"][-1]
    assert item["id"] == budget_id
    assert item["balances"] == live_api.get(f"/v1/budgets/{budget_id}").json()["balances"]
    assert item["status"] == "active"


def test_answers_say_how_fresh_the_read_model_is(live_api: Api) -> None:
    opened(live_api, 1)
    caught_up(live_api)
    answer = live_api.get("/v1/budgets")
    head = live_api.service.recorder.max_notification_id()
    assert int(answer.headers["X-Projection-Position"]) == head
    assert answer.headers["X-Projection-Lag"] == "0"


def test_bad_paging_input_is_refused_with_a_problem(live_api: Api) -> None:
    for query in ("limit=0", "limit=201", "limit=x", "cursor=not-a-cursor", "status=pending"):
        answer = live_api.get(f"/v1/budgets?{query}")
        assert answer.status_code == 422, query
        assert answer.headers["content-type"] == PROBLEM_JSON


def test_a_family_lists_its_own_budgets_and_no_one_elses(live_api: Api) -> None:
    own = opened(live_api, 2, family_ref="FAM-001")
    opened(live_api, 2, family_ref="FAM-777")
    caught_up(live_api)
    assert all_pages(live_api, "family_own", "limit=10") == own
    assert all_pages(live_api, "family_own", "limit=10&family_ref=FAM-001") == own
    assert all_pages(live_api, "family_other", "limit=10") == []
    refused = live_api.get("/v1/budgets?family_ref=FAM-777", "family_own")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "A family key may list only its own family's budgets."


def test_family_ref_finds_a_familys_budgets_for_a_caseworker(live_api: Api) -> None:
    wanted = opened(live_api, 2, family_ref="FAM-123")
    opened(live_api, 1, family_ref="FAM-456")
    caught_up(live_api)
    assert all_pages(live_api, "caseworker", "limit=1&family_ref=FAM-123") == wanted
    assert all_pages(live_api, "broker_own", "limit=10&family_ref=FAM-123") == wanted  # brokerage-a's


def test_reference_finds_one_budget_in_the_pages_shape(live_api: Api) -> None:
    budget_id = str(open_budget(live_api.service, reference="BH-2026-0017"))
    opened(live_api, 2)
    answer = live_api.get("/v1/budgets?reference=BH-2026-0017")
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert [i["id"] for i in page["items"]] == [budget_id] and page["next_cursor"] is None
    caught_up(live_api)
    listed = next(i for i in live_api.get("/v1/budgets?limit=50").json()["items"] if i["id"] == budget_id)
    assert page["items"][0] == listed  # the same summary as the read model's


def test_reference_lookups_respect_scope_and_the_other_filters(live_api: Api) -> None:
    open_budget(live_api.service, reference="BH-B", broker_org="brokerage-b", family_ref="FAM-999")
    assert live_api.get("/v1/budgets?reference=BH-B", "broker_own").json()["items"] == []
    assert len(live_api.get("/v1/budgets?reference=BH-B", "broker_other").json()["items"]) == 1
    assert live_api.get("/v1/budgets?reference=BH-B", "family_own").json()["items"] == []
    assert len(live_api.get("/v1/budgets?reference=BH-B", "family_other").json()["items"]) == 1
    assert live_api.get("/v1/budgets?reference=BH-B&status=active").json()["items"] == []
    assert live_api.get("/v1/budgets?reference=BH-B&cohort=other").json()["items"] == []
    assert live_api.get("/v1/budgets?reference=BH-NONE").json() == {"items": [], "next_cursor": None}


def test_bad_reference_queries_are_refused(live_api: Api) -> None:
    for query in ("reference=", "family_ref=", "reference=BH-1&cursor=not-a-cursor", "reference=a%0Ab"):
        answer = live_api.get(f"/v1/budgets?{query}")
        assert answer.status_code == 422, query
        assert answer.headers["content-type"] == PROBLEM_JSON
