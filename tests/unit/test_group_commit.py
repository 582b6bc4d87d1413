"""Group commit: concurrent saves share a transaction, and each caller hears only its own fate.

A fake recorder stands in for the store: it writes a list of events all or
nothing, refuses a batch holding an (originator, version) it already has (the
optimistic concurrency constraint), and can be held mid-write so that saves pile
up behind the one being written.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.ops.group_commit import GroupCommit


class FakeRecorder:
    def __init__(self) -> None:
        self.rows: list[tuple[UUID | str, int]] = []
        self.calls: list[int] = []  # events per insert call
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.away = False
        self._lock = threading.Lock()

    def insert(self, events: Sequence[StoredEvent]) -> list[int]:
        self.entered.set()
        self.gate.wait(5)
        with self._lock:
            self.calls.append(len(events))
            if self.away:
                raise OperationalError("the store is away")
            keys = [(e.originator_id, e.originator_version) for e in events]
            if len(set(keys)) < len(keys) or set(keys) & set(self.rows):
                raise IntegrityError("duplicate (originator_id, originator_version)")
            start = len(self.rows)
            self.rows.extend(keys)
            return list(range(start + 1, start + 1 + len(keys)))


def event(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="t", state=b"{}")


def save_in_thread(
    group: GroupCommit, events: list[StoredEvent], answers: dict[int, object], i: int
) -> threading.Thread:
    def run() -> None:
        try:
            answers[i] = group.insert(events)
        except Exception as e:
            answers[i] = e

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def pile_up(recorder: FakeRecorder, group: GroupCommit, saves: list[list[StoredEvent]]) -> dict[int, object]:
    """Hold the first save mid-write while the others arrive, then let them all through."""
    recorder.gate.clear()
    answers: dict[int, object] = {}
    threads = [save_in_thread(group, saves[0], answers, 0)]
    assert recorder.entered.wait(5)
    threads += [save_in_thread(group, s, answers, i) for i, s in enumerate(saves[1:], start=1)]
    while len(group._waiting) < len(saves) - 1:  # every later save is queued behind the first
        threading.Event().wait(0.001)
    recorder.gate.set()
    for t in threads:
        t.join(10)
    return answers


def test_saves_arriving_during_a_write_share_the_next_transaction() -> None:
    recorder = FakeRecorder()
    group = GroupCommit(recorder.insert)
    saves = [[event(uuid4(), 1), event(uuid4(), 1)] for _ in range(6)]
    answers = pile_up(recorder, group, saves)
    assert recorder.calls == [2, 10]  # the first alone, the five that waited in one insert
    ids = [answers[i] for i in range(6)]
    assert sorted(n for a in ids for n in a) == list(range(1, 13))  # type: ignore[union-attr]
    for i, save in enumerate(saves):  # each caller gets the ids of its own events, in order
        assert [recorder.rows[n - 1] for n in ids[i]] == [
            (e.originator_id, e.originator_version) for e in save
        ]  # type: ignore[union-attr]


def test_a_conflicting_save_fails_alone_and_the_others_of_its_batch_are_written() -> None:
    recorder = FakeRecorder()
    group = GroupCommit(recorder.insert)
    budget = uuid4()
    saves = [
        [event(uuid4(), 1)],
        [event(uuid4(), 1)],
        [event(budget, 5)],
        [event(budget, 5)],
        [event(uuid4(), 1)],
    ]
    answers = pile_up(recorder, group, saves)
    # the joint insert of saves 1-4 failed on save 3's duplicate; each was then written alone
    assert recorder.calls == [1, 4, 1, 1, 1, 1]
    assert isinstance(answers[3], IntegrityError)
    assert all(isinstance(answers[i], list) for i in (0, 1, 2, 4))
    expected = [(s[0].originator_id, s[0].originator_version) for s in saves[:3] + saves[4:]]
    assert sorted(recorder.rows, key=str) == sorted(expected, key=str)


def test_the_store_away_fails_every_save_of_the_batch_and_writes_nothing() -> None:
    recorder = FakeRecorder()
    group = GroupCommit(recorder.insert)
    recorder.away = True
    answers = pile_up(recorder, group, [[event(uuid4(), 1)] for _ in range(4)])
    assert all(isinstance(a, OperationalError) for a in answers.values())
    assert recorder.calls == [1, 3]  # not written again one by one: the store is away for them all
    assert recorder.rows == []


def test_a_lone_save_is_written_at_once() -> None:
    recorder = FakeRecorder()
    group = GroupCommit(recorder.insert)
    first = uuid4()
    assert group.insert([event(first, 1), event(first, 2)]) == [1, 2]
    with pytest.raises(IntegrityError):
        group.insert([event(first, 2)])
    assert recorder.calls == [2, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3)), min_size=1, max_size=12))
def test_every_caller_hears_exactly_whether_its_own_save_was_recorded(
    versions: list[tuple[int, int]],
) -> None:
    """Saves of a few budgets, some claiming the same version: a claim recorded once, the rest refused."""
    recorder = FakeRecorder()
    group = GroupCommit(recorder.insert, max_batch=5)
    budgets = [uuid4() for _ in range(4)]
    saves = [[event(budgets[b], v)] for b, v in versions]
    answers = pile_up(recorder, group, saves)
    recorded = [i for i, a in answers.items() if isinstance(a, list)]
    refused = [i for i, a in answers.items() if isinstance(a, IntegrityError)]
    assert sorted(recorded + refused) == list(range(len(saves)))
    keys = [(saves[i][0].originator_id, saves[i][0].originator_version) for i in recorded]
    assert sorted(keys, key=str) == sorted(recorder.rows, key=str)  # what callers were told is what is stored
    assert (
        len(set(keys)) == len(keys) == len({(b, v) for b, v in versions})
    )  # each claim recorded exactly once
