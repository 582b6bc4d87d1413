"""The provider register and the scheme's rules about who is paid, through the API on both stores.

The council report's two cases: a short-term foster care night from a neighbour who
is not an approved foster carer, and a PA doing overnight tracheostomy care without
training for it. Each is refused with the named rule, accepted once a valid approval
is recorded, and refused again on a service date after it expires or is revoked.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.aggregates.plan_state import PlannedLine
from tests.api.conftest import POINTS_ANSWERS, Api, problem_of, spend_body
from tests.builders import open_budget, open_funded_budget
from tests.conftest import CASEWORKER

SHORT_BREAKS = "short-breaks-individual-budget"


def short_breaks_budget(api: Api) -> UUID:
    """A short-breaks budget (the latest version) with 1000.00 of 4000.00 released."""
    budget_id = open_budget(api.service, scheme=SHORT_BREAKS, management="managed_account")
    walk_the_pathway(api, budget_id, Decimal("4000.00"))
    api.service.decide_allocation(
        CASEWORKER, budget_id, {"social_care": Decimal("4000.00")}, "test", variance_reason="panel"
    )
    api.service.release_instalment(CASEWORKER, budget_id, 1)
    return budget_id


def walk_the_pathway(api: Api, budget_id: UUID, amount: Decimal) -> None:
    """The scheme's pathway before an allocation of `amount`: indicative budget, plan, panel."""
    service = api.service
    service.set_indicative(CASEWORKER, budget_id, ("short-breaks-points", POINTS_ANSWERS, 1), True)
    service.agree_support_plan(
        CASEWORKER,
        budget_id,
        [("O1", "a break for the carer each month")],
        [PlannedLine("personal_assistant", Decimal("100.00"))],
        date(2026, 4, 10),
        date(2026, 10, 10),
    )
    service.record_panel_decision(
        CASEWORKER, budget_id, date(2026, 4, 12), "RP-1", "head of service", amount, "agreed"
    )


def register(api: Api, kind: str, in_house: bool = False, who: str = "caseworker") -> dict[str, Any]:
    reference = f"{kind[:3].upper()}-{uuid.uuid4().int % 10**8:08d}"
    answer = api.post("/v1/providers", who, json={"reference": reference, "kind": kind, "in_house": in_house})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def approve(api: Api, pid: str, approval: str, valid_to: str = "2026-06-30", **extra: Any) -> str:
    body = {
        "approval": approval,
        "valid_from": "2026-04-01",
        "valid_to": valid_to,
        "evidence_ref": "PANEL-2026-031",
        **extra,
    }
    answer = api.post(f"/v1/providers/{pid}/approvals", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["approval_id"])


def spend(api: Api, budget_id: UUID, **fields: Any) -> Any:
    body = spend_body(**{"provider": None, **fields})
    return api.post(
        f"/v1/budgets/{budget_id}/spends", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )


def foster_night(pid: str, day: str) -> dict[str, Any]:
    return dict(
        provider_id=pid,
        category="short_term_foster_care",
        amount="110.00",
        units="1",
        unit="nights",
        service_date=day,
    )


def test_an_unapproved_foster_carers_night_is_refused_until_approved_and_after_it_lapses(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    neighbour = register(api, "foster_carer")["provider_id"]
    refused = problem_of(
        spend(api, budget_id, **foster_night(neighbour, "2026-05-02")), 409, "provider-not-approved"
    )
    assert "approved_foster_carer" in refused["detail"]
    approval_id = approve(api, neighbour, "approved_foster_carer", valid_to="2026-06-30")
    accepted = spend(api, budget_id, **foster_night(neighbour, "2026-05-02"))
    assert accepted.status_code == 201, accepted.text
    problem_of(spend(api, budget_id, **foster_night(neighbour, "2026-07-01")), 409, "provider-not-approved")
    revoked = api.post(
        f"/v1/providers/{neighbour}/approvals/{approval_id}/revocation",
        json={"reason": "deregistered by the fostering panel", "effective_on": "2026-05-10"},
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["provider"]["approvals"][0]["revoked_from"] == "2026-05-10"
    problem_of(spend(api, budget_id, **foster_night(neighbour, "2026-05-12")), 409, "provider-not-approved")
    before = spend(api, budget_id, **foster_night(neighbour, "2026-05-09"))
    assert before.status_code == 201, before.text  # a night before the revocation was approved
    spends = api.get(f"/v1/budgets/{budget_id}/spends").json()["items"]
    assert {s["provider_id"] for s in spends} == {neighbour}
    assert {s["provider"] for s in spends} == {api.get(f"/v1/providers/{neighbour}").json()["reference"]}


def test_an_untrained_pas_medical_task_is_refused_until_trained_for_that_task(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    pa = register(api, "personal_assistant")["provider_id"]
    overnight = dict(provider_id=pa, medical_tasks=["tracheostomy_care"], service_date="2026-05-02")
    refused = problem_of(spend(api, budget_id, **overnight), 409, "provider-not-approved")
    assert "medical_task_training for tracheostomy_care" in refused["detail"]
    approve(api, pa, "medical_task_training", task="gastrostomy_feeding")
    problem_of(spend(api, budget_id, **overnight), 409, "provider-not-approved")  # another task
    approve(api, pa, "medical_task_training", task="tracheostomy_care", valid_to="2026-05-31")
    accepted = spend(api, budget_id, **overnight)
    assert accepted.status_code == 201, accepted.text
    problem_of(
        spend(api, budget_id, **{**overnight, "service_date": "2026-06-01"}), 409, "provider-not-approved"
    )
    plain = spend(api, budget_id, provider_id=pa, service_date="2026-06-01")  # no medical task: no training
    assert plain.status_code == 201, plain.text


def test_a_scheme_that_keeps_a_register_refuses_free_text_where_it_must_and_takes_it_elsewhere(
    api: Api,
) -> None:
    budget_id = short_breaks_budget(api)
    problem_of(spend(api, budget_id, provider="PA Co"), 409, "provider-not-registered")
    problem_of(spend(api, budget_id, provider_id=str(uuid.uuid4())), 409, "provider-not-registered")
    club = spend(api, budget_id, provider="Swimming club", category="community_activity", unit="sessions")
    assert club.status_code == 201, club.text
    problem_of(spend(api, budget_id), 422)  # neither a provider nor a provider_id


def test_the_permissive_default_keeps_free_text_and_records_the_provider_id_when_given(api: Api) -> None:
    budget_id = open_funded_budget(api.service)
    night = {k: v for k, v in foster_night("", "2026-05-02").items() if k != "provider_id"}
    free = spend(api, budget_id, provider="Neighbour", **night)
    assert free.status_code == 201, free.text
    neighbour = register(api, "foster_carer")["provider_id"]  # not approved: this scheme does not ask
    named = spend(api, budget_id, **foster_night(neighbour, "2026-05-03"))
    assert named.status_code == 201, named.text
    spends = {s["spend_id"]: s for s in api.get(f"/v1/budgets/{budget_id}/spends").json()["items"]}
    assert spends[named.json()["spend_id"]]["provider_id"] == neighbour
    assert spends[free.json()["spend_id"]]["provider_id"] is None


def test_phase_one_excludes_in_house_overnight_residential_respite_only(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    night = dict(
        category="residential_overnight", amount="150.00", units="1", unit="nights", service_date="2026-05-02"
    )
    in_house = register(api, "organisation", in_house=True)["provider_id"]
    external = register(api, "organisation")["provider_id"]
    for pid in (in_house, external):
        approve(api, pid, "registered_care_provider", valid_to="2027-03-31")
    problem_of(spend(api, budget_id, provider_id=in_house, **night), 409, "in-house-provider-excluded")
    allowed = spend(api, budget_id, provider_id=external, **night)
    assert allowed.status_code == 201, allowed.text


def test_a_nights_threshold_is_crossed_only_with_an_override_shown_in_the_history(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    carer = register(api, "foster_carer")["provider_id"]
    approve(api, carer, "approved_foster_carer", valid_to="2027-03-31")
    month = dict(foster_night(carer, "2026-05-01"), units="16", amount="160.00")
    assert spend(api, budget_id, **month).status_code == 201  # 16 of the 17 nights a month
    two = dict(foster_night(carer, "2026-05-20"), units="2", amount="20.00")
    problem_of(spend(api, budget_id, **two), 409, "nights-threshold-override-required")
    reason = "respite while the parent is in hospital; agreed by the team manager"
    assert spend(api, budget_id, **two, nights_override_reason=reason).status_code == 201
    assert spend(api, budget_id, **dict(two, service_date="2026-06-01")).status_code == 201  # a new month
    events = api.get(f"/v1/budgets/{budget_id}/history", params={"limit": 200}).json()["events"]
    overrides = [e["data"]["nights_override_reason"] for e in events if e["type"] == "SpendRecorded"]
    assert overrides.count(reason) == 1


def test_the_register_is_written_by_caseworkers_and_admins_and_read_by_brokers(api: Api) -> None:
    pa = register(api, "personal_assistant", who="admin")
    approve(api, pa["provider_id"], "background_check", valid_to="2026-12-31")
    for who in ("broker_own", "auditor", "caseworker"):
        found = api.get("/v1/providers", who, params={"approval": "background_check"})
        assert found.status_code == 200, (who, found.text)
    for who in ("broker_own", "family_own", "auditor", "commissioner"):
        body = {"reference": "PA-1", "kind": "personal_assistant", "in_house": False}
        problem_of(api.post("/v1/providers", who, json=body), 403, "forbidden")
    for who in ("family_own", "commissioner", "admin"):
        problem_of(api.get("/v1/providers", who), 403, "forbidden")


def test_a_reference_is_registered_once_and_never_a_name(api: Api) -> None:
    pa = register(api, "personal_assistant")
    again = {"reference": pa["reference"], "kind": "personal_assistant", "in_house": False}
    problem_of(api.post("/v1/providers", json=again), 409, "provider-reference-taken")
    for name in ("Jane Smith", "JANE-SMITH", "jane-0042"):
        body = {"reference": name, "kind": "personal_assistant", "in_house": False}
        problem_of(api.post("/v1/providers", json=body), 422)
    problem_of(api.get(f"/v1/providers/{uuid.uuid4()}"), 404, "not-found")


def test_an_approval_is_checked_and_revoked_once(api: Api) -> None:
    pid = register(api, "personal_assistant")["provider_id"]
    base = {"valid_from": "2026-04-01", "valid_to": "2026-06-30", "evidence_ref": "EV-1"}
    bad = [
        {**base, "approval": "medical_task_training"},  # no task
        {**base, "approval": "background_check", "task": "tracheostomy_care"},
        {**base, "approval": "background_check", "valid_to": "2026-03-01"},
        {**base, "approval": "knighthood"},
    ]
    for body in bad:
        problem_of(api.post(f"/v1/providers/{pid}/approvals", json=body), 422)
    aid = approve(api, pid, "background_check")
    path = f"/v1/providers/{pid}/approvals/{aid}/revocation"
    assert api.post(path, json={"reason": "lapsed"}).status_code == 200
    problem_of(api.post(path, json={"reason": "lapsed"}), 409, "approval-already-revoked")
    problem_of(api.post(f"/v1/providers/{pid}/approvals/A9/revocation", json={"reason": "x"}), 404)


def test_approvals_expiring_within_a_window_are_listed(api: Api) -> None:
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    pid = register(api, "personal_assistant")["provider_id"]
    soon, later = today + timedelta(days=10), today + timedelta(days=100)
    for end in (soon, later):
        body = {
            "approval": "background_check",
            "valid_from": str(today),
            "valid_to": str(end),
            "evidence_ref": "E",
        }
        assert api.post(f"/v1/providers/{pid}/approvals", json=body).status_code == 201
    listed = api.get("/v1/providers/approvals/expiring", "broker_own", params={"within_days": 30}).json()
    mine = [a["approval"]["valid_to"] for a in listed["approvals"] if a["provider_id"] == pid]
    assert mine == [str(soon)]


def test_a_budgets_monitoring_warns_as_a_child_nears_a_nights_threshold(api: Api) -> None:
    budget_id = short_breaks_budget(api)
    carer = register(api, "foster_carer")["provider_id"]
    approve(api, carer, "approved_foster_carer", valid_to="2027-03-31")
    monitoring = f"/v1/budgets/{budget_id}/monitoring"
    quiet = api.get(monitoring, params={"today": "2026-05-31"}).json()["overnight_nights"]
    assert [n["approaching"] for n in quiet] == [False, False]
    assert spend(api, budget_id, **dict(foster_night(carer, "2026-05-01"), units="14")).status_code == 201
    counts = {
        n["per"]: n for n in api.get(monitoring, params={"today": "2026-05-31"}).json()["overnight_nights"]
    }
    assert counts["month"]["approaching"] and counts["month"]["counted"] == "14.00"  # 17 - 3 = 14
    assert not counts["period"]["approaching"]  # 14 of 75, warned from 65


def test_cross_budget_monitoring_lists_budgets_approaching_or_past_a_nights_threshold(live_api: Api) -> None:
    api = live_api
    near, past, quiet = (short_breaks_budget(api) for _ in range(3))
    carer = register(api, "foster_carer")["provider_id"]
    approve(api, carer, "approved_foster_carer", valid_to="2027-03-31")
    fourteen = spend(api, near, **dict(foster_night(carer, "2026-05-01"), units="14"))
    assert fourteen.status_code == 201  # 14 of 17 a month: within the scheme's 3
    assert spend(api, past, **dict(foster_night(carer, "2026-05-01"), units="16")).status_code == 201
    over = dict(foster_night(carer, "2026-05-20"), units="2", nights_override_reason="parent in hospital")
    assert spend(api, past, **over).status_code == 201  # 18: past 17, with the override
    assert spend(api, quiet, **dict(foster_night(carer, "2026-05-01"), units="5")).status_code == 201

    def warnings(today: str) -> list[tuple[str, str, str | None, int, str, bool]]:
        api.client.app.state.read_side.wait(api.service.recorder.max_notification_id(), timeout=20)  # type: ignore[attr-defined]
        answer = api.get("/v1/analytics/monitoring", "caseworker", params={"today": today})
        assert answer.status_code == 200, answer.text
        rows = answer.json()["nights_warnings"]
        return sorted(
            (r["budget_id"], r["per"], r["month"], r["threshold"], r["counted"], r["past"]) for r in rows
        )

    assert warnings("2026-05-31") == sorted(
        [
            (str(near), "month", "2026-05", 17, "14.00", False),
            (str(past), "month", "2026-05", 17, "18.00", True),
        ]
    )
    assert warnings("2026-06-15") == []  # May's monthly counts are not June's
    reason = {"reason": "entered against the wrong child"}
    reversal = api.post(f"/v1/budgets/{near}/spends/{fourteen.json()['spend_id']}/reversal", json=reason)
    assert reversal.status_code == 200, reversal.text
    assert [w[0] for w in warnings("2026-05-31")] == [str(past)]  # the reversal's figures cleared it
    as_csv = {"Accept": "text/csv"}
    csv = api.get("/v1/analytics/monitoring", "caseworker", params={"today": "2026-05-31"}, headers=as_csv)
    assert "nights_warnings" in csv.text and "18.00" in csv.text
