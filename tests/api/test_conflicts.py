"""Every 409 names its rule in the problem `type`, and records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger.use_cases import LedgerService
from tests.api.conftest import Api, Prepared, open_body, problem_of, spend_body, trial_spend_body
from tests.builders import a_spend
from tests.conftest import CASEWORKER

REASON = {"reason": "because"}


def suspended(service: LedgerService, p: Prepared) -> None:
    service.suspend_budget(CASEWORKER, p.budget_id, "away")


def closed(service: LedgerService, p: Prepared) -> None:
    service.recover_surplus(CASEWORKER, p.budget_id, service.load(p.budget_id).available, "all")
    service.close_budget(CASEWORKER, p.budget_id, "done")


def gated_next(service: LedgerService, p: Prepared) -> None:
    service.cancel_instalment(CASEWORKER, p.budget_id, 3, "replaced by a gated one")
    service.schedule_instalment(CASEWORKER, p.budget_id, Decimal("100.00"), date(2027, 1, 1), True)


def nothing(service: LedgerService, p: Prepared) -> None:
    return None


def spend_keyed(service: LedgerService, p: Prepared) -> None:
    service.record_spend(CASEWORKER, p.budget_id, a_spend("10.00"), idempotency_key="same-key")


def reversed_spend(service: LedgerService, p: Prepared) -> None:
    service.reverse_spend(CASEWORKER, p.budget_id, p.spend_id, "once")


def decided_return(service: LedgerService, p: Prepared) -> None:
    service.accept_return(CASEWORKER, p.budget_id, "R1")


def concluded_trial(service: LedgerService, p: Prepared) -> None:
    service.conclude_trial(CASEWORKER, p.budget_id, "T1", "abandoned", "")


def resolved_dispute(service: LedgerService, p: Prepared) -> None:
    service.resolve_dispute(CASEWORKER, p.budget_id, "D1", "not_upheld", "stands")


Setup = Callable[[LedgerService, Prepared], None]
SPEND = "/spends"
#: (rule, setup, path under the budget, body, extra headers)
CONFLICTS: list[tuple[str, Setup, str, dict[str, Any], dict[str, str]]] = [
    ("insufficient-funds", nothing, SPEND, spend_body(amount="900.00"), {"Idempotency-Key": "big"}),
    ("insufficient-funds", nothing, "/surplus-recoveries", {"amount": "999.00", "reason": "x"}, {}),
    ("instalment-gated", gated_next, "/instalments/4/release", {}, {}),
    ("instalment-not-pending", nothing, "/instalments/1/release", {}, {}),
    ("budget-not-active", suspended, SPEND, spend_body(), {"Idempotency-Key": "k"}),
    ("budget-not-active", suspended, "/instalments/2/release", {}, {}),
    (
        "budget-closed",
        closed,
        "/trials",
        {"name": "t", "virtual_amount": "1.00", "baseline_cost": "1.00"},
        {},
    ),
    (
        "idempotency-key-reused",
        spend_keyed,
        SPEND,
        spend_body(amount="11.00"),
        {"Idempotency-Key": "same-key"},
    ),
    (
        "allocation-already-decided",
        nothing,
        "/allocation",
        {"amounts": {"health": "5.00"}, "rationale": "x"},
        {},
    ),
    (
        "revision-below-released",
        nothing,
        "/allocation/revisions",
        {"amounts": {"social_care": "500.00"}, "reason": "cut"},
        {},
    ),
    (
        "schedule-exceeds-allocation",
        nothing,
        "/instalments",
        {"amount": "300.00", "due_on": "2026-12-01", "gated": False},
        {},
    ),
    (
        "service-date-outside-period",
        nothing,
        SPEND,
        spend_body(service_date="2028-01-01"),
        {"Idempotency-Key": "d"},
    ),
    ("stream-not-allocated", nothing, SPEND, spend_body(funding_stream="health"), {"Idempotency-Key": "h"}),
    ("spend-already-reversed", reversed_spend, "/spends/{spend_id}/reversal", REASON, {}),
    ("return-already-decided", decided_return, "/monitoring-returns/R1/query", REASON, {}),
    ("trial-not-open", concluded_trial, "/trials/T1/conclusion", {"outcome": "adopted", "notes": ""}, {}),
    (
        "trial-budget-exceeded",
        nothing,
        "/trials/T1/spends",
        trial_spend_body(amount="600.00"),
        {"Idempotency-Key": "t"},
    ),
    (
        "dispute-not-open",
        resolved_dispute,
        "/disputes/D1/resolution",
        {"outcome": "upheld", "resolution": "x"},
        {},
    ),
    ("invalid-status-transition", nothing, "/resumption", REASON, {}),
    ("funds-remaining", nothing, "/closure", REASON, {}),
]


@pytest.mark.parametrize(
    ("rule", "setup", "path", "body", "headers"), CONFLICTS, ids=[f"{c[0]}:{c[2]}" for c in CONFLICTS]
)
def test_a_broken_rule_is_a_409_naming_it(
    api: Api,
    prepared: Prepared,
    rule: str,
    setup: Setup,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    setup(api.service, prepared)
    before = api.version(prepared.budget_id)
    url = f"/v1/budgets/{prepared.budget_id}" + path.format(spend_id=prepared.spend_id)
    problem = problem_of(api.post(url, json=body, headers=headers), 409, rule)
    assert problem["title"] and problem["detail"] and problem["instance"] == url
    assert api.version(prepared.budget_id) == before


def test_a_second_budget_with_a_taken_reference_is_a_409(api: Api) -> None:
    body = open_body(reference="BH-2026-0017")
    assert api.post("/v1/budgets", json=body).status_code == 201
    problem_of(api.post("/v1/budgets", json=open_body(reference="BH-2026-0017")), 409, "reference-taken")


def test_the_same_idempotency_key_and_body_answers_the_same_spend_and_records_once(
    api: Api, prepared: Prepared
) -> None:
    url, key = f"/v1/budgets/{prepared.budget_id}/spends", {"Idempotency-Key": "retry-me"}
    first = api.post(url, "broker_own", json=spend_body(), headers=key)
    again = api.post(url, "broker_own", json=spend_body(), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert api.service.load(prepared.budget_id).spent == Decimal("90.00")  # 50.00 prepared + 40.00 once
