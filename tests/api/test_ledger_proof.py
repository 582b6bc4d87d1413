"""The whole-ledger proof through the API, on both stores: tampering in the database is named.

Each case builds two budgets, has the auditor make a checkpoint and keep its
position and hash, tampers directly in the database, and asks for the ledger's
verification against the kept checkpoint: it must fail at the tampered position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from benchmarks import ledger_verification
from ledger.aggregates.chain import recompute
from ledger.aggregates.checkpoints import CHECKPOINTS_ID
from ledger.proof.rawchain import stored_links
from ledger.proof.verification import BUDGET_TOPICS
from ledger.use_cases import LedgerService
from tests.api.conftest import Api, prepare, problem_of
from tests.api.tamper import Tamper
from tests.builders import a_spend, open_funded_budget
from tests.conftest import CASEWORKER

VERIFY = "/v1/ledger/verification"
CHECKPOINTS = "/v1/ledger/checkpoints"


@dataclass(frozen=True)
class Ledger2:
    """Two budgets, A and B: versions 1-4 open, allocate, schedule, release; then spends."""

    a: UUID
    b: UUID


def two_budgets(service: LedgerService) -> Ledger2:
    a = open_funded_budget(service)
    b = open_funded_budget(service)
    for budget in (a, b, a):
        service.record_spend(CASEWORKER, budget, a_spend("1.00"))
    return Ledger2(a, b)  # A at version 6, B at version 5 (its newest: a one-pound spend)


def checkpoint(api: Api) -> dict[str, Any]:
    made = api.post(CHECKPOINTS, "auditor")
    assert made.status_code == 201, made.text
    return dict(made.json())


def verify(api: Api, kept: dict[str, Any] | None = None) -> dict[str, Any]:
    params = {"checkpoint_position": kept["position"], "checkpoint_hash": kept["hash"]} if kept else {}
    answer = api.get(VERIFY, "auditor", params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def rewrite_spend_as_500_with_its_hash_recomputed(service: LedgerService, tamper: Tamper, at: int) -> None:
    """What the per-budget chain alone cannot see: the newest event rewritten, its hash recomputed."""
    row = tamper.run("SELECT originator_id, originator_version, topic FROM {t} WHERE {pos} = ?", at)[0]
    stored = StoredEvent(UUID(str(row[0])), row[1], row[2], tamper.state(at))
    event: Any = service.mapper.to_domain_event(stored)
    forged = replace(event, amount=Decimal("500.00"))
    forged = replace(forged, hash=recompute(forged))
    tamper.write_state(at, service.mapper.to_stored_event(forged).state)


#: name -> (tamper, the position verification must name), given the two budgets
Case = Callable[[LedgerService, Tamper, Ledger2], int]


def _edit_oldest(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    t.edit_one_byte(at := t.position(two.a, 1))
    return at


def _edit_newest(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    t.edit_one_byte(at := t.position(two.b, 5))
    return at


def _rewrite_newest(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    rewrite_spend_as_500_with_its_hash_recomputed(s, t, at := t.position(two.b, 5))
    return at


def _delete_newest(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    t.delete(at := t.position(two.a, 6))
    return at


def _delete_one(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    t.delete(at := t.position(two.a, 3))
    return at


def _swap_two(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    first, second = t.position(two.a, 5), t.position(two.b, 5)
    t.swap(first, second)
    return min(first, second)


def _insert_one(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    return t.insert_after(t.position(two.a, 4), copy_of=t.position(two.a, 6), version=7)


def _delete_budget(s: LedgerService, t: Tamper, two: Ledger2) -> int:
    at = t.position(two.a, 1)
    t.delete_budget(two.a)
    return at


CASES: dict[str, Case] = {
    "edit one byte of a budget's first event": _edit_oldest,
    "edit one byte of a budget's newest event": _edit_newest,
    "rewrite a 1.00 spend as 500.00 and recompute its hash": _rewrite_newest,
    "delete a budget's newest event": _delete_newest,
    "delete one event": _delete_one,
    "swap two events": _swap_two,
    "insert one event": _insert_one,
    "delete a whole budget": _delete_budget,
}


def test_an_untouched_ledger_verifies_against_the_checkpoint_an_auditor_kept(api: Api) -> None:
    two_budgets(api.service)
    kept = checkpoint(api)
    api.service.record_spend(CASEWORKER, two_budgets(api.service).b, a_spend("2.00"))  # later events too
    answer = verify(api, kept)
    assert answer["ok"] is True and answer["first_failure"] is None, answer
    assert answer["checked"] > kept["position"] > 0
    assert answer["budgets"] == 4
    listed = api.get(CHECKPOINTS, "admin").json()["checkpoints"]
    assert [(c["position"], c["hash"]) for c in listed] == [(kept["position"], kept["hash"])]


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_in_the_database_is_detected_and_its_position_named(
    api: Api, store_url: str, case: str
) -> None:
    two = two_budgets(api.service)
    kept = checkpoint(api)
    assert verify(api, kept)["ok"] is True
    position = CASES[case](api.service, Tamper(store_url), two)
    answer = verify(api, kept)
    assert answer["ok"] is False, answer
    assert answer["first_failure"]["position"] == position, answer


def test_a_rewrite_whose_hash_was_recomputed_passes_the_budget_chain_but_not_the_ledger(
    api: Api, store_url: str
) -> None:
    two = two_budgets(api.service)
    kept = checkpoint(api)
    tamper = Tamper(store_url)
    rewrite_spend_as_500_with_its_hash_recomputed(api.service, tamper, tamper.position(two.b, 5))
    assert api.get(f"/v1/budgets/{two.b}/verification", "auditor").json()["ok"] is True
    assert verify(api, kept)["first_failure"]["position"] == tamper.position(two.b, 5)


def test_removing_the_sealed_fingerprints_still_fails_against_the_kept_hash(api: Api, store_url: str) -> None:
    two = two_budgets(api.service)
    kept = checkpoint(api)
    tamper = Tamper(store_url)
    rewrite_spend_as_500_with_its_hash_recomputed(api.service, tamper, tamper.position(two.b, 5))
    tamper.delete_budget(CHECKPOINTS_ID)  # the intruder removes the seals too
    failure = verify(api, kept)["first_failure"]
    assert failure["position"] == kept["position"]
    assert "checkpoint" in failure["reason"]


def test_without_a_checkpoint_a_broken_chain_is_named_by_budget_and_version(api: Api, store_url: str) -> None:
    two = two_budgets(api.service)
    tamper = Tamper(store_url)
    tamper.edit_one_byte(tamper.position(two.b, 5))
    failure = verify(api)["first_failure"]
    assert (failure["budget"], failure["version"]) == (str(two.b), 5)


def test_without_a_checkpoint_a_deleted_budget_is_named_by_its_reference_claim(
    api: Api, store_url: str
) -> None:
    two = two_budgets(api.service)
    Tamper(store_url).delete_budget(two.a)
    failure = verify(api)["first_failure"]
    assert failure["budget"] == str(two.a) and "no events" in failure["reason"]


def test_a_second_checkpoint_seals_only_what_came_after_the_first(api: Api) -> None:
    first = checkpoint(api)
    two_budgets(api.service)
    second = checkpoint(api)
    assert second["position"] > first["position"]
    assert verify(api, first)["ok"] is True and verify(api, second)["ok"] is True
    wrong = {**second, "hash": "f" * 64}
    assert verify(api, wrong)["first_failure"]["position"] == second["position"]


@pytest.mark.parametrize(
    "params",
    [
        {"checkpoint_position": "3"},
        {"checkpoint_hash": "a" * 64},
        {"checkpoint_position": "-1", "checkpoint_hash": "a" * 64},
        {"checkpoint_position": "3", "checkpoint_hash": "XYZ"},
    ],
)
def test_a_half_or_malformed_checkpoint_is_invalid_input(api: Api, params: dict[str, str]) -> None:
    problem_of(api.get(VERIFY, "auditor", params=params), 422)


def test_the_quick_reading_of_stored_events_agrees_with_the_domain_rule(ledger: LedgerService) -> None:
    """Every kind of Budget event, read from its stored JSON, rehashes to its recorded hash."""
    prepared = prepare(ledger)
    ledger.reverse_spend(CASEWORKER, prepared.budget_id, prepared.spend_id, "twice", "D1")
    more = {"social_care": Decimal("1200.00")}
    ledger.revise_allocation(CASEWORKER, prepared.budget_id, more, "more", "D1")
    ledger.resolve_dispute(CASEWORKER, prepared.budget_id, "D1", "upheld", "more nights")
    ledger.review(CASEWORKER, prepared.budget_id, date(2026, 10, 1), "on track", date(2027, 3, 1))
    budget_events = [
        n for n in ledger.recorder.select_notifications(start=1, limit=1000) if n.topic in BUDGET_TOPICS
    ]
    assert len({n.topic for n in budget_events}) >= 12
    for n in budget_events:
        links = stored_links(n.topic, UUID(str(n.originator_id)).hex, n.originator_version, n.state)
        assert links is not None and links[1] == links[2], n.topic


def test_the_verification_benchmark_runs_and_verifies_its_bulk_ledger(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ledger_verification.main(["--store", "sqlite", "--events", "2000"])
    out = capsys.readouterr().out
    assert "| sqlite | 2,00" in out and "verify --all" in out
