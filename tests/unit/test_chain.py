"""The hash chain: every event's hash recomputes, links to the one before, and tampering shows."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates.chain import GENESIS, _plain, canonical_json, event_data, recompute
from ledger.aggregates.events import SpendRecorded
from ledger.audit import verify, verify_chain
from tests.builders import open_funded_budget
from tests.conftest import AUDITOR, BROKER
from tests.unit.factories import a_budget_with_every_event, a_spend, recorded


@pytest.fixture
def events() -> list[Any]:
    return recorded(a_budget_with_every_event())


def tampered(event: Any, **changes: Any) -> Any:
    return dataclasses.replace(event, **changes)


def first_spend(events: list[Any]) -> Any:
    return next(e for e in events if isinstance(e, SpendRecorded))


def test_every_event_hash_recomputes_from_its_content(events: list[Any]) -> None:
    assert all(recompute(e) == e.hash for e in events)


def test_each_event_links_to_the_hash_of_the_one_before(events: list[Any]) -> None:
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


def test_an_untouched_history_verifies_and_ends_at_the_budget_head_hash() -> None:
    budget = a_budget_with_every_event()
    events = recorded(budget)
    result = verify_chain(events)
    assert (result.ok, result.checked, result.first_failure) == (True, len(events), None)
    assert result.head_hash == budget.head_hash == events[-1].hash


def test_an_edited_amount_fails_at_the_edited_event(events: list[Any]) -> None:
    spend = first_spend(events)
    index = events.index(spend)
    events[index] = tampered(spend, amount=spend.amount + Decimal("100.00"))
    result = verify_chain(events)
    assert (result.ok, result.first_failure) == (False, spend.originator_version)


def test_an_edit_made_without_a_constructor_is_caught_too(events: list[Any]) -> None:
    spend = first_spend(events)
    index = events.index(spend)
    copy = tampered(spend)
    object.__setattr__(copy, "provider", "Someone Else Ltd")
    events[index] = copy
    assert verify_chain(events).first_failure == spend.originator_version


def test_an_edit_with_a_rewritten_hash_is_caught_at_the_next_event(events: list[Any]) -> None:
    spend = first_spend(events)
    index = events.index(spend)
    edited = tampered(spend, amount=Decimal("1.00"))
    events[index] = tampered(edited, hash=recompute(edited))
    result = verify_chain(events)
    assert (result.ok, result.first_failure) == (False, spend.originator_version + 1)


def test_a_rewritten_last_event_leaves_a_head_hash_that_differs_from_the_receipt() -> None:
    budget = a_budget_with_every_event()
    events = recorded(budget)
    edited = tampered(events[-1], reason="nothing to see")
    events[-1] = tampered(edited, hash=recompute(edited))
    result = verify_chain(events)
    assert result.ok
    assert result.head_hash != budget.head_hash


def test_a_deleted_event_breaks_the_chain_at_its_successor(events: list[Any]) -> None:
    removed = events.pop(3)
    assert verify_chain(events).first_failure == removed.originator_version + 1


def test_swapping_two_events_breaks_the_chain(events: list[Any]) -> None:
    events[2], events[3] = events[3], events[2]
    assert verify_chain(events).first_failure == events[2].originator_version


def test_a_moved_timestamp_breaks_the_hash(events: list[Any]) -> None:
    event = events[1]
    events[1] = tampered(event, timestamp=event.timestamp.replace(year=2020))
    assert verify_chain(events).first_failure == event.originator_version


def test_the_chain_still_verifies_after_a_round_trip_through_the_store(ledger) -> None:
    budget_id = open_funded_budget(ledger)
    ledger.record_spend(BROKER, budget_id, a_spend("12.34"), idempotency_key="k")
    stored = list(ledger.events.get(budget_id))
    assert all(recompute(e) == e.hash for e in stored)
    result = verify(ledger, AUDITOR, budget_id)
    assert (result.ok, result.checked, result.head_hash) == (True, 5, ledger.load(budget_id).head_hash)


def test_the_fast_canonical_json_writes_exactly_what_the_plain_walk_writes(events: list[Any]) -> None:
    """Hashes of events already stored must not change: the encoder's shortcut is checked against the walk."""
    for event in events:
        body = {"data": event_data(event), "budget": event.originator_id, "at": event.timestamp}
        walked = json.dumps(_plain(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert canonical_json(body) == walked
