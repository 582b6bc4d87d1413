"""Budget schemes through the API and the command line, on both stores: published as data, pinned at
opening, and each rule refused by name (409, nothing recorded) or allowed as the scheme says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.api.conftest import Api, open_body, problem_of, spend_body

WILTSHIRE = "wiltshire-short-breaks"


def open_under(api: Api, scheme: str | None, **overrides: Any) -> str:
    body = open_body(**({"scheme": scheme} if scheme else {}), **overrides)
    response = api.post("/v1/budgets", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def allocate(api: Api, budget_id: str, amount: str) -> Any:
    return api.post(
        f"/v1/budgets/{budget_id}/allocation",
        json={"amounts": {"social_care": amount}, "rationale": "flat rate"},
    )


def wiltshire_year(api: Api, **overrides: Any) -> str:
    budget_id = open_under(api, WILTSHIRE, **{"broker_org": "compass", **overrides})
    assert allocate(api, budget_id, "600.00").status_code == 200
    return budget_id


def test_the_three_shipped_schemes_are_listed_with_their_rules(api: Api) -> None:
    for who in ("caseworker", "auditor", "broker_own", "family_own"):
        listed = api.get("/v1/schemes", who)
        assert listed.status_code == 200, (who, listed.text)
    ids = {(s["id"], s["version"]) for s in listed.json()["schemes"]}
    assert {(WILTSHIRE, 1), ("short-breaks-individual-budget", 1), ("local-individual-budget", 1)} <= ids
    wiltshire = api.get(f"/v1/schemes/{WILTSHIRE}").json()
    assert wiltshire["rules"]["maximum_allocation"] == "600.00"
    assert wiltshire["rules"]["gate"] == "submitted"
    assert wiltshire["rules"]["payments_administrator"] == "compass"
    problem_of(api.get("/v1/schemes/no-such-scheme"), 404, "not-found")
    problem_of(api.get(f"/v1/schemes/{WILTSHIRE}?version=9"), 404, "not-found")
    for who in ("commissioner", "admin"):
        problem_of(api.get("/v1/schemes", who), 403, "forbidden")


def test_a_budget_pins_the_scheme_it_opens_under_and_the_default_otherwise(api: Api) -> None:
    pinned = api.get(f"/v1/budgets/{open_under(api, WILTSHIRE)}").json()["scheme"]
    assert (pinned["id"], pinned["version"]) == (WILTSHIRE, 1)
    default = api.get(f"/v1/budgets/{open_under(api, None)}").json()["scheme"]
    assert (default["id"], default["version"]) == ("local-individual-budget", 1)
    problem_of(api.post("/v1/budgets", json=open_body(scheme="no-such-scheme")), 404, "not-found")


def test_a_management_option_outside_the_scheme_is_refused_at_opening(api: Api) -> None:
    body = open_body(scheme=WILTSHIRE, management="council_managed")
    problem = problem_of(api.post("/v1/budgets", json=body), 409, "management-not-allowed")
    assert "direct_payment" in problem["detail"]
    assert api.service.find_by_reference(body["reference"]) is None


def test_an_allocation_above_the_scheme_maximum_is_refused_and_records_nothing(api: Api) -> None:
    budget_id = open_under(api, WILTSHIRE)
    problem = problem_of(allocate(api, budget_id, "5000.00"), 409, "allocation-above-scheme-maximum")
    assert "600.00" in problem["detail"]
    assert api.version(budget_id) == 1
    assert allocate(api, budget_id, "600.00").status_code == 200
    revised = api.post(
        f"/v1/budgets/{budget_id}/allocation/revisions",
        json={"amounts": {"social_care": "600.01"}, "reason": "uplift"},
    )
    problem_of(revised, 409, "allocation-above-scheme-maximum")
    assert allocate(api, open_under(api, None), "5000.00").status_code == 200  # the default: no maximum


def test_the_scheme_schedules_its_instalments_and_refuses_extras(api: Api) -> None:
    budget_id = wiltshire_year(api)
    budget = api.get(f"/v1/budgets/{budget_id}").json()
    assert [(i["amount"], i["gated"]) for i in budget["instalments"]] == [("300.00", False), ("300.00", True)]
    version = api.version(budget_id)
    extra = api.post(
        f"/v1/budgets/{budget_id}/instalments",
        json={"amount": "10.00", "due_on": "2026-12-01", "gated": False},
    )
    problem_of(extra, 409, "instalments-set-by-scheme")
    assert api.version(budget_id) == version


def test_release_waits_for_a_confirmed_bank_account_then_for_the_returned_form(api: Api) -> None:
    budget_id = wiltshire_year(api)
    release = f"/v1/budgets/{budget_id}/instalments/1/release"
    version = api.version(budget_id)
    problem_of(api.post(release), 409, "bank-account-not-confirmed")
    assert api.version(budget_id) == version
    confirm = api.post(
        f"/v1/budgets/{budget_id}/bank-account-confirmation", json={"confirmed_on": "2026-04-02"}
    )
    assert confirm.status_code == 200, confirm.text
    assert api.get(f"/v1/budgets/{budget_id}").json()["bank_account_confirmed_on"] == "2026-04-02"
    assert api.post(release).status_code == 200
    problem_of(api.post(f"/v1/budgets/{budget_id}/instalments/2/release"), 409, "instalment-gated")
    submitted = api.post(
        f"/v1/budgets/{budget_id}/monitoring-returns",
        "family_own",
        json={
            "period_start": "2026-04-01",
            "period_end": "2026-09-30",
            "declared_spent": "0.00",
            "notes": "",
        },
    )
    assert submitted.status_code == 201
    assert api.post(f"/v1/budgets/{budget_id}/instalments/2/release").status_code == 200


def test_the_bank_account_confirmation_keeps_no_account_details(api: Api) -> None:
    budget_id = wiltshire_year(api)
    body = {"confirmed_on": "2026-04-02", "sort_code": "00-00-00"}
    problem_of(api.post(f"/v1/budgets/{budget_id}/bank-account-confirmation", json=body), 422)
    for who in ("family_own", "auditor", "commissioner", "broker_own"):
        refused = api.post(
            f"/v1/budgets/{budget_id}/bank-account-confirmation", who, json={"confirmed_on": "2026-04-02"}
        )
        problem_of(refused, 403, "forbidden")


def test_the_payments_administrator_releases_and_takes_forms_only_where_its_scheme_names_it(api: Api) -> None:
    compass = api.keys["compass"] = create_broker_key(api, "compass")
    assert compass
    wiltshire = wiltshire_year(api, broker_org="brokerage-a")  # administered by compass whoever brokers it
    other = open_under(api, None, broker_org="compass")  # the default scheme names no administrator
    assert allocate(api, other, "600.00").status_code == 200
    api.post(
        f"/v1/budgets/{other}/instalments", json={"amount": "100.00", "due_on": "2026-04-01", "gated": False}
    )
    ok = api.post(
        f"/v1/budgets/{wiltshire}/bank-account-confirmation", "compass", json={"confirmed_on": "2026-04-02"}
    )
    assert ok.status_code == 200, ok.text
    assert api.post(f"/v1/budgets/{wiltshire}/instalments/1/release", "compass").status_code == 200
    returned = api.post(
        f"/v1/budgets/{wiltshire}/monitoring-returns",
        "compass",
        json={
            "period_start": "2026-04-01",
            "period_end": "2026-09-30",
            "declared_spent": "10.00",
            "notes": "",
        },
    )
    assert returned.status_code == 201, returned.text
    rid = returned.json()["return_id"]
    assert api.post(f"/v1/budgets/{wiltshire}/instalments/2/release", "compass").status_code == 200
    assert (
        api.post(f"/v1/budgets/{wiltshire}/monitoring-returns/{rid}/acceptance", "compass").status_code == 200
    )
    version = api.version(other)
    problem_of(api.post(f"/v1/budgets/{other}/instalments/1/release", "compass"), 403, "forbidden")
    problem_of(api.post(f"/v1/budgets/{wiltshire}/instalments/1/release", "broker_own"), 403, "forbidden")
    assert api.version(other) == version


def create_broker_key(api: Api, org: str) -> str:
    from ledger.keys import create_key

    return create_key(api.service, "broker", f"{org} payments", org, None)[1]


def test_a_family_records_its_own_spends_only_where_its_scheme_allows(api: Api) -> None:
    wiltshire = wiltshire_year(api)
    api.post(f"/v1/budgets/{wiltshire}/bank-account-confirmation", json={"confirmed_on": "2026-04-02"})
    api.post(f"/v1/budgets/{wiltshire}/instalments/1/release")
    headers = {"Idempotency-Key": "fam-1"}
    spent = api.post(f"/v1/budgets/{wiltshire}/spends", "family_own", json=spend_body(), headers=headers)
    assert spent.status_code == 201, spent.text
    default = open_under(api, None)
    allocate(api, default, "600.00")
    version = api.version(default)
    refused = api.post(f"/v1/budgets/{default}/spends", "family_own", json=spend_body(), headers=headers)
    problem_of(refused, 403, "forbidden")
    assert api.version(default) == version
    problem_of(
        api.post(f"/v1/budgets/{wiltshire}/spends", "family_other", json=spend_body(), headers=headers), 403
    )


def publish(run: Any, tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / f"{document['id']}.v{document['version']}.json"
    path.write_text(json.dumps(document))
    return run("schemes", "publish", str(path))


COUNCIL = {
    "id": "council-tight",
    "version": 1,
    "title": "A council's tight scheme",
    "spending": {
        "categories_not_allowed": ["equipment"],
        "approval_threshold": "200.00",
        "category_caps": [{"category": "transport", "amount": "50.00", "per": "month"}],
    },
}


def test_a_published_version_never_changes_and_a_budget_keeps_its_version(run: Any, tmp_path: Path) -> None:
    first = publish(run, tmp_path, COUNCIL)
    assert first.exit_code == 0, first.output
    assert "council-tight version 1 published" in first.stdout
    again = publish(run, tmp_path, COUNCIL)
    assert again.exit_code == 0 and "already published, unchanged" in again.stdout
    changed = publish(run, tmp_path, {**COUNCIL, "title": "rewritten"})
    assert changed.exit_code == 1
    assert "published with other rules" in changed.stderr
    shipped = publish(run, tmp_path, {"id": WILTSHIRE, "version": 1, "title": "Wiltshire, but looser"})
    assert shipped.exit_code == 1 and "published with other rules" in shipped.stderr
    bad = publish(run, tmp_path, {**COUNCIL, "version": 2, "maximum_allocation": 600.0})
    assert bad.exit_code == 1 and "never floats" in bad.stderr
    listed = run("schemes", "list")
    assert listed.exit_code == 0 and "council-tight" in listed.stdout


def test_a_budget_keeps_its_scheme_version_after_a_new_one_is_published(api: Api) -> None:
    api.service.publish_scheme({**COUNCIL, "maximum_allocation": "700.00"}, by="test")
    budget_id = open_under(api, "council-tight")
    api.service.publish_scheme({**COUNCIL, "version": 2, "maximum_allocation": "100.00"}, by="test")
    assert api.get("/v1/schemes/council-tight").json()["version"] == 2
    assert api.get(f"/v1/budgets/{budget_id}").json()["scheme"]["version"] == 1
    assert allocate(api, budget_id, "700.00").status_code == 200  # v1's maximum, not v2's
    newer = open_under(api, "council-tight")
    problem_of(allocate(api, newer, "700.00"), 409, "allocation-above-scheme-maximum")


def funded_council_budget(api: Api) -> str:
    api.service.publish_scheme(COUNCIL, by="test")
    budget_id = open_under(api, "council-tight")
    allocate(api, budget_id, "1000.00")
    api.post(
        f"/v1/budgets/{budget_id}/instalments",
        json={"amount": "1000.00", "due_on": "2026-04-01", "gated": False},
    )
    api.post(f"/v1/budgets/{budget_id}/instalments/1/release")
    return budget_id


def spend(api: Api, budget_id: str, key: str, who: str = "broker_own", **overrides: Any) -> Any:
    return api.post(
        f"/v1/budgets/{budget_id}/spends", who, json=spend_body(**overrides), headers={"Idempotency-Key": key}
    )


def test_spending_rules_refuse_by_name_and_allow_otherwise(api: Api) -> None:
    budget_id = funded_council_budget(api)
    version = api.version(budget_id)
    problem_of(spend(api, budget_id, "k1", category="equipment"), 409, "category-not-allowed")
    assert (
        spend(api, budget_id, "k2", category="transport", amount="40.00", units=None, unit=None).status_code
        == 201
    )
    capped = spend(api, budget_id, "k3", category="transport", amount="10.01", units=None, unit=None)
    assert "50.00" in problem_of(capped, 409, "category-cap-exceeded")["detail"]
    assert api.version(budget_id) == version + 1


def test_a_spend_above_the_threshold_is_held_until_a_caseworker_approves_it(api: Api) -> None:
    budget_id = funded_council_budget(api)
    held = spend(api, budget_id, "big", amount="250.00")
    assert held.status_code == 202, held.text
    answer = held.json()
    assert answer["awaiting_approval"] is True
    assert answer["balances"]["spent"] == "0.00"
    held_now = api.get(f"/v1/budgets/{budget_id}").json()["awaiting_approval"]
    assert [s["spend_id"] for s in held_now] == [answer["spend_id"]]
    approval = f"/v1/budgets/{budget_id}/spends/{answer['spend_id']}/approval"
    for who in ("broker_own", "family_own", "auditor"):
        problem_of(api.post(approval, who), 403, "forbidden")
    approved = api.post(approval)
    assert approved.status_code == 200, approved.text
    assert approved.json()["balances"]["spent"] == "250.00"
    problem_of(api.post(approval), 409, "spend-not-awaiting-approval")
    rejected_id = spend(api, budget_id, "big-2", amount="300.00").json()["spend_id"]
    rejection = api.post(
        f"/v1/budgets/{budget_id}/spends/{rejected_id}/rejection", json={"reason": "not planned"}
    )
    assert rejection.status_code == 200 and rejection.json()["balances"]["spent"] == "250.00"
