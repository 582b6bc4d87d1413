"""Every POST that creates or changes something is idempotent (IETF Idempotency-Key draft), both stores.

The list of routes comes from the app's own OpenAPI, so a POST route added later
without idempotency fails here until it has it, or joins `EXEMPT` with a reason.
Each route's valid request comes from the refusal matrix (`tests.api.routes`).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger import errors
from ledger.aggregates.plan_state import PlannedLine
from ledger.idempotency import Once, Replayed, fingerprint
from ledger.use_cases import LedgerService
from tests.api.conftest import Api, Prepared, prepare, problem_of, spend_body
from tests.api.routes import ROUTES, Route
from tests.builders import a_spend, open_budget
from tests.conftest import BROKER, CASEWORKER

#: POST routes that need no idempotency, and why
EXEMPT = {
    "POST /v1/ras/assessments": "an assessment is a calculation: it records nothing, so a retry is harmless",
    "POST /v1/spends:batch": "each row names a row_id, so a file sent again records nothing; its report then"
    " says already_recorded (tests/api/test_ingest.py)",
}
#: a field of each body that can change without making the body invalid
TEXT_FIELDS = (
    "reason",
    "notes",
    "description",
    "summary",
    "grounds",
    "rationale",
    "resolution",
    "name",
    "reference",
    "evidence_ref",
)


def template(path: str) -> str:
    return "POST " + re.sub(r"\{[^}]*\}", "{}", path.split("?")[0])


def post_routes(api: Api) -> set[str]:
    schema = api.client.get("/openapi.json").json()
    return {template(path) for path, ops in schema["paths"].items() if "post" in ops}


def keyed_routes() -> list[Route]:
    return [r for r in ROUTES if r.method == "POST" and template(r.path) not in EXEMPT]


def another(route: Route, prepared: Prepared) -> tuple[str, dict[str, Any] | None, dict[str, str]]:
    """A different request to the same route: a text field changed, another item, or another answer asked."""
    body = route.body(prepared)
    if body is None:  # no body: the same command on another item (another instalment or return)
        other = dataclasses.replace(prepared, pending_instalment=3, return_to_accept="R2")
        if route.url(other) == route.url(prepared):  # nothing to vary but the answer asked for
            return route.url(prepared), None, {"Prefer": "return=representation"}
        return route.url(other), None, {}
    field = next((f for f in TEXT_FIELDS if f in body), None)
    if field is None and "confirmed_on" in body:  # budget schemes: a date is all the body holds
        return route.url(prepared), {"confirmed_on": "2026-04-03"}, {}
    if field is None and "agreed_on" in body:  # a support plan: agreed on another day
        return route.url(prepared), {**body, "agreed_on": "2026-04-21"}, {}
    if field is None and "completed_with_family" in body:  # an indicative budget
        return route.url(prepared), {**body, "completed_with_family": not body["completed_with_family"]}, {}
    changed = {**body, field: body[field] + "-2"} if field else {**body, "gated": not body["gated"]}
    return route.url(prepared), changed, {}


def a_new_budget(service: LedgerService, prepared: Prepared) -> Prepared:
    return dataclasses.replace(prepared, budget_id=open_budget(service))


def suspended(service: LedgerService, prepared: Prepared) -> Prepared:
    service.suspend_budget(CASEWORKER, prepared.budget_id, "family away")
    return prepared


#: routes that the prepared budget's state refuses, and the state in which they succeed
SETUP: dict[str, Callable[[LedgerService, Prepared], Prepared]] = {
    "POST /v1/budgets/{id}/allocation": a_new_budget,  # decided once
    "POST /v1/budgets/{id}/resumption": suspended,
    "POST /v1/budgets/{id}/closure": a_new_budget,  # nothing available
    # budget schemes: a spend held for approval, on a budget whose scheme has a threshold
    "POST /v1/budgets/{id}/spends/{spend_id}/approval": lambda s, p: a_held_spend(s, p),
    "POST /v1/budgets/{id}/spends/{spend_id}/rejection": lambda s, p: a_held_spend(s, p),
    # the decision pathway: an indicative budget comes before the allocation; a revision needs a plan
    "POST /v1/budgets/{id}/indicative-budget": a_new_budget,
    "POST /v1/budgets/{id}/support-plan/revisions": lambda s, p: with_a_plan(s, p),
}


def with_a_plan(service: LedgerService, prepared: Prepared) -> Prepared:
    plan = [PlannedLine("personal_assistant", Decimal("100.00"))]
    service.agree_support_plan(
        CASEWORKER, prepared.budget_id, [("O1", "a break")], plan, date(2026, 4, 20), date(2026, 10, 20)
    )
    return prepared


def a_held_spend(service: LedgerService, prepared: Prepared) -> Prepared:
    service.publish_scheme(
        {"id": "held-above-100", "version": 1, "title": "t", "spending": {"approval_threshold": "100.00"}},
        by="test",
    )
    budget_id = open_budget(service, scheme="held-above-100")
    service.decide_allocation(CASEWORKER, budget_id, {"social_care": Decimal("600.00")}, "agreed")
    service.schedule_instalment(CASEWORKER, budget_id, Decimal("600.00"), date(2026, 4, 1), False)
    service.release_instalment(CASEWORKER, budget_id, 1)
    held = service.record_spend(BROKER, budget_id, a_spend("150.00"), idempotency_key="held")
    return dataclasses.replace(prepared, budget_id=budget_id, spend_id=held.result.spend_id)


def head(api: Api) -> int:
    return int(api.service.recorder.max_notification_id() or 0)


def test_every_post_route_is_idempotent_or_exempt_with_a_reason(api: Api) -> None:
    posts = post_routes(api)
    tested = {template(r.path) for r in keyed_routes()}
    assert posts - set(EXEMPT) <= tested, (
        f"POST routes with no idempotency test: {posts - set(EXEMPT) - tested}"
    )
    assert set(EXEMPT) <= posts, "an exemption names a route that no longer exists"


@pytest.mark.parametrize("route", keyed_routes(), ids=lambda r: r.name)
def test_a_retry_with_the_same_key_and_body_answers_the_same_and_records_nothing(
    api: Api, prepared: Prepared, route: Route
) -> None:
    prepared = SETUP.get(route.name, lambda _, p: p)(api.service, prepared)
    who = "caseworker" if "caseworker" in route.allowed else sorted(route.allowed)[0]
    key = {"Idempotency-Key": f"retry-{uuid.uuid4()}"}
    body = route.body(prepared)
    first = api.post(route.url(prepared), who, json=body, headers=key)
    assert first.status_code in (200, 201), first.text
    assert int(first.headers["X-Ledger-Position"]) == head(api)  # the write's last event
    recorded = head(api)

    again = api.post(route.url(prepared), who, json=body, headers=key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert int(again.headers["X-Ledger-Position"]) >= int(first.headers["X-Ledger-Position"])
    assert head(api) == recorded  # nothing recorded
    assert again.headers.get("Location") == first.headers.get("Location")

    url, changed, asking = another(route, prepared)
    problem_of(api.post(url, who, json=changed, headers=key | asking), 409, "idempotency-key-reused")
    assert head(api) == recorded


def test_without_a_key_a_repeated_return_is_a_second_return(api: Api, prepared: Prepared) -> None:
    """The key is what makes a retry safe; without one each POST is a new command."""
    path = f"/v1/budgets/{prepared.budget_id}/monitoring-returns"
    body = {"period_start": "2026-04-01", "period_end": "2026-06-30", "declared_spent": "1.00", "notes": ""}
    ids = {api.post(path, json=body).json()["return_id"] for _ in range(2)}
    assert len(ids) == 2


def test_the_key_is_compared_exactly_as_sent_so_quoted_and_bare_are_two_keys(
    api: Api, prepared: Prepared
) -> None:
    path = f"/v1/budgets/{prepared.budget_id}/spends"
    bare = api.post(path, json=spend_body(), headers={"Idempotency-Key": "k1"})
    quoted = api.post(path, json=spend_body(), headers={"Idempotency-Key": '"k1"'})
    assert bare.status_code == quoted.status_code == 201
    assert bare.json()["spend_id"] != quoted.json()["spend_id"]
    assert api.post(path, json=spend_body(), headers={"Idempotency-Key": '"k1"'}).json() == quoted.json()


def test_a_key_is_the_callers_own_another_api_key_using_it_is_not_a_replay(
    api: Api, prepared: Prepared
) -> None:
    path = f"/v1/budgets/{prepared.budget_id}/monitoring-returns"
    body = {"period_start": "2026-04-01", "period_end": "2026-06-30", "declared_spent": "1.00", "notes": ""}
    key = {"Idempotency-Key": "shared"}
    mine = api.post(path, "caseworker", json=body, headers=key)
    theirs = api.post(path, "family_own", json=body, headers=key)
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["return_id"] != theirs.json()["return_id"]


def test_a_refused_command_leaves_its_key_unused(api: Api, prepared: Prepared) -> None:
    path = f"/v1/budgets/{prepared.budget_id}/spends"
    key = {"Idempotency-Key": "too-much"}
    problem_of(api.post(path, json=spend_body(amount="99999.00"), headers=key), 409, "insufficient-funds")
    assert api.post(path, json=spend_body(amount="1.00"), headers=key).status_code == 201


def test_json_compared_by_value_path_and_representation_by_identity() -> None:
    assert fingerprint("POST", "/a", b'{"x": 1, "y": "2"}') == fingerprint("POST", "/a", b'{"y":"2","x":1}')
    assert fingerprint("POST", "/a", b'{"x": 1}') != fingerprint("POST", "/b", b'{"x": 1}')
    assert fingerprint("POST", "/a", b"") != fingerprint("POST", "/a", b"", "full=True")


def test_two_first_tries_racing_record_once_the_store_decides(api: Api) -> None:
    """Both threads send a key no one has used; one saves, the other replays its answer."""
    service = api.service
    budget_id = prepare(service).budget_id
    before = len(service.load(budget_id).returns)
    once = Once(
        scope=str(budget_id),
        key_id=CASEWORKER.id,
        route="POST /v1/budgets/{budget_id}/monitoring-returns",
        key="race",
        fingerprint="same request",
        status=201,
        render=lambda budget, return_id: {"return_id": return_id, "version": budget.version},
    )
    answers: list[Any] = []
    start = threading.Barrier(2)

    def submit() -> None:
        start.wait()
        try:
            outcome = service.submit_return(
                CASEWORKER, budget_id, date(2026, 4, 1), date(2026, 6, 30), Decimal("5.00"), "", once=once
            )
            answers.append({"return_id": outcome.result, "version": outcome.budget.version})
        except Replayed as replay:
            answers.append(replay.body)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 2 and answers[0] == answers[1]
    assert len(service.load(budget_id).returns) == before + 1
    with pytest.raises(errors.IdempotencyKeyReused):
        service.submit_return(
            CASEWORKER,
            budget_id,
            date(2026, 4, 1),
            date(2026, 6, 30),
            Decimal("5.00"),
            "",
            once=dataclasses.replace(once, fingerprint="another request"),
        )
