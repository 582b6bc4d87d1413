"""Kept answers (ledger.projections.kept): served again only while the view's position is unchanged."""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.projections.kept import KeptAnswers, kept


class CountingView:
    """A stand-in read view: a position that moves when told, and a question that counts its askings."""

    def __init__(self) -> None:
        self.at = 0
        self.asked = 0
        self.rows: list[dict[str, Any]] = [{"group": "a", "amount": 1}]

    def position(self) -> int:
        return self.at

    @kept
    def spending(self, group_by: list[str], cohort: str | None = None) -> dict[str, Any]:
        self.asked += 1
        return {"group_by": list(group_by), "cohort": cohort, "groups": [dict(r) for r in self.rows]}


def test_a_repeated_question_is_answered_from_the_kept_answer_while_the_position_stands() -> None:
    view = CountingView()
    first = view.spending(["category"])
    again = view.spending(["category"])
    assert again == first and view.asked == 1


def test_a_moved_position_asks_again_and_the_new_answer_is_served() -> None:
    view = CountingView()
    view.spending(["category"])
    view.rows.append({"group": "b", "amount": 2})
    view.at = 7
    answer = view.spending(["category"])
    assert view.asked == 2 and [g["group"] for g in answer["groups"]] == ["a", "b"]


def test_different_arguments_are_different_questions_and_lists_match_tuples() -> None:
    view = CountingView()
    view.spending(["category"])
    view.spending(["category"], cohort="pilot")
    view.spending(["category"], "pilot")  # positional, not the same key as the keyword: asked again
    view.spending(("category",))
    assert view.asked == 3


def test_askers_get_copies_so_marking_a_row_does_not_change_the_kept_answer() -> None:
    view = CountingView()
    view.spending(["category"])["groups"][0]["amount"] = None
    marked = view.spending(["category"])
    marked["groups"][0]["suppressed"] = True
    assert view.spending(["category"])["groups"] == [{"group": "a", "amount": 1}]


def test_the_position_is_read_before_asking_so_an_answer_racing_a_write_is_filed_under_the_old() -> None:
    """A write applied while the answer is computed: the answer is filed under the older position."""
    answers = KeptAnswers()
    state = {"at": 1, "value": "old"}

    def ask_while_a_write_lands() -> str:
        state["at"], state["value"] = 2, "new"  # the write commits mid-question
        return "old"  # the answer the question had already read

    assert answers.answer(lambda: state["at"], "q", ask_while_a_write_lands) == "old"
    asked = []
    assert answers.answer(lambda: state["at"], "q", lambda: asked.append(1) or state["value"]) == "new"
    assert asked == [1]


def test_the_least_recently_asked_answer_is_dropped_beyond_the_bound() -> None:
    answers = KeptAnswers(size=2)
    asked: list[str] = []

    def ask(q: str) -> str:
        return answers.answer(lambda: 0, q, lambda: asked.append(q) or q.upper())

    ask("a"), ask("b"), ask("a"), ask("c")  # b is the least recently asked when c arrives
    ask("a"), ask("b")
    assert asked == ["a", "b", "c", "b"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["category", "month", "provider"])), max_size=40))
def test_every_answer_equals_a_fresh_answer_at_the_same_position(steps: list[tuple[bool, str]]) -> None:
    """Property: whatever the order of writes and questions, a kept answer is never stale."""
    view = CountingView()
    for write, key in steps:
        if write:
            view.rows.append({"group": key, "amount": len(view.rows)})
            view.at += 1
        fresh = {"group_by": [key], "cohort": None, "groups": [dict(r) for r in view.rows]}
        assert view.spending([key]) == fresh


def test_threads_asking_at_once_all_get_the_answer() -> None:
    view = CountingView()
    results: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: results.append(view.spending(["category"]))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results) and 1 <= view.asked <= 8


def test_a_slow_asker_never_replaces_a_later_answer() -> None:
    """Two askers: the first read position 1 and is slow; the second read 2 and filed its answer first."""
    answers = KeptAnswers()
    state = {"at": 1}

    def slow() -> str:
        state["at"] = 2
        assert answers.answer(lambda: state["at"], "q", lambda: "at 2") == "at 2"  # a second asker, meanwhile
        return "at 1"

    assert answers.answer(lambda: state["at"], "q", slow) == "at 1"
    asked: list[int] = []
    assert answers.answer(lambda: state["at"], "q", lambda: asked.append(1) or "again") == "at 2"
    assert asked == []  # the later answer was kept, not replaced by the slow one


def test_an_argument_that_cannot_be_a_key_is_asked_afresh_every_time() -> None:
    view = CountingView()
    view.spending(["category"], cohort={"pilot"})  # type: ignore[arg-type]
    view.spending(["category"], cohort={"pilot"})  # type: ignore[arg-type]
    assert view.asked == 2 and "kept_answers" not in view.__dict__
