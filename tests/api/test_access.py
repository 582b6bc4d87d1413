"""The refusal matrix: every role variant against every route, and every way of not being authenticated."""

from __future__ import annotations

import pytest

from ledger.access import DOING, PERMISSIONS, Action, authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import Role
from ledger.errors import Forbidden
from tests.api.conftest import ROLE_VARIANTS, Api, Prepared, problem_of
from tests.api.routes import ROUTES, Route

BAD_AUTHORIZATION = {
    "no header": None,
    "another scheme": "Basic Y2FzZXdvcmtlcjpzZWNyZXQ=",
    "bearer without a key": "Bearer",
    "bearer with blanks": "Bearer   ",
    "two tokens": "Bearer ibl_one ibl_two",
    "unknown key": "Bearer ibl_" + "x" * 43,
    "not a ledger key": "Bearer 0123456789abcdef",
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_request_without_a_good_key_is_401_and_records_nothing(
    api: Api, prepared: Prepared, route: Route
) -> None:
    before = api.version(prepared.budget_id)
    cases = {**BAD_AUTHORIZATION, "revoked key": f"Bearer {api.keys['revoked']}"}
    for case, header in cases.items():
        headers = {"Authorization": header} if header is not None else {}
        response = route.call(api, prepared, None, headers=headers)
        problem_of(response, 401, "unauthenticated")
        assert response.headers["WWW-Authenticate"] == "Bearer", case
    assert api.version(prepared.budget_id) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_role_is_refused_or_allowed_as_the_design_says(
    api: Api, prepared: Prepared, route: Route
) -> None:
    for who in ROLE_VARIANTS:
        before = api.version(prepared.budget_id)
        response = route.call(api, prepared, who)
        if who in route.allowed:
            # allowed: answered, perhaps refused by a business rule of the budget's state, never 401/403/422
            assert response.status_code in (200, 201, 409), (who, response.text)
            if response.status_code == 409:
                problem_of(response, 409)
        else:
            problem_of(response, 403, "forbidden")
            assert api.version(prepared.budget_id) == before, who


#: on the prepared budget these three are refused by a rule of its state, not by access
REFUSED_BY_STATE = {
    "POST /v1/budgets/{id}/allocation": "allocation-already-decided",
    "POST /v1/budgets/{id}/resumption": "invalid-status-transition",
    "POST /v1/budgets/{id}/closure": "funds-remaining",
    # budget schemes: the prepared budget's spend was never held for approval
    "POST /v1/budgets/{id}/spends/{spend_id}/approval": "spend-not-awaiting-approval",
    "POST /v1/budgets/{id}/spends/{spend_id}/rejection": "spend-not-awaiting-approval",
    # the decision pathway: the prepared budget is allocated and has no plan
    "POST /v1/budgets/{id}/indicative-budget": "indicative-after-allocation",
    "POST /v1/budgets/{id}/support-plan/revisions": "support-plan-not-agreed",
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_the_first_allowed_role_succeeds_on_a_prepared_budget(
    api: Api, prepared: Prepared, route: Route
) -> None:
    who = sorted(route.allowed)[0]
    response = route.call(api, prepared, who)
    if route.name in REFUSED_BY_STATE:
        problem_of(response, 409, REFUSED_BY_STATE[route.name])
    else:
        assert response.status_code == (201 if route.created else 200), response.text


def test_a_broker_or_family_out_of_scope_is_forbidden_even_to_read(api: Api, prepared: Prepared) -> None:
    for who in ("broker_other", "family_other"):
        problem_of(api.get(f"/v1/budgets/{prepared.budget_id}", who), 403, "forbidden")
    for who in ("broker_own", "family_own"):
        assert api.get(f"/v1/budgets/{prepared.budget_id}", who).status_code == 200


def test_a_role_that_may_never_act_hears_403_even_for_an_unknown_budget(api: Api) -> None:
    problem_of(api.get("/v1/budgets/00000000-0000-4000-8000-000000000000", "commissioner"), 403, "forbidden")
    problem_of(api.get("/v1/budgets/00000000-0000-4000-8000-000000000000", "caseworker"), 404, "not-found")


def test_a_broker_or_family_cannot_tell_an_unknown_budget_from_one_out_of_scope(
    api: Api, prepared: Prepared
) -> None:
    unknown = "/v1/budgets/00000000-0000-4000-8000-000000000000"
    for who in ("broker_own", "family_own"):
        problem_of(api.get(unknown, who), 403, "forbidden")
    problem_of(api.get(unknown, "caseworker"), 404, "not-found")


def test_every_action_has_a_role_list_and_words_for_refusals() -> None:
    assert set(PERMISSIONS) == set(Action) == set(DOING)
    assert all(roles <= set(Role) for roles in PERMISSIONS.values())


def test_authorize_takes_the_enum_or_its_string_and_refuses_in_a_sentence() -> None:
    admin = Actor(id="k1", role="admin")
    for action in (Action.LIST, "list"):
        with pytest.raises(Forbidden) as refused:
            authorize(admin, action)
        assert refused.value.detail == "An admin key may not list budgets."
    authorize(Actor(id="k2", role="family", family="FAM-1"), Action.LIST)  # families list their own


def test_an_unknown_action_is_a_programming_error_not_a_refusal() -> None:
    with pytest.raises(ValueError):
        authorize(Actor(id="k1", role="caseworker"), "fly")
