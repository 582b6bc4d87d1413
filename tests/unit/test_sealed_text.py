"""Sealed free text without a database: round trips, determinism, erasure markers, the walk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from ledger.sealed_text import ERASED, Erased, Sealer, key_ids, new_key, open_token, reveal, seal

KEY_ID = "0123456789abcdef0123456789abcdef"
OTHER_ID = "fedcba9876543210fedcba9876543210"


@given(st.text(min_size=1))
def test_any_text_comes_back_as_it_was_sealed(text: str) -> None:
    key = new_key()
    sealed = seal(KEY_ID, key, text)
    assert reveal({"description": sealed}, lambda ids: {KEY_ID: key}) == {"description": text}


@given(st.text(min_size=1))
def test_sealing_is_deterministic_per_key_so_a_retried_request_looks_the_same(text: str) -> None:
    key = new_key()
    assert seal(KEY_ID, key, text) == seal(KEY_ID, key, text)
    assert seal(KEY_ID, key, text) != seal(KEY_ID, new_key(), text)


def test_text_sealed_with_a_destroyed_key_reads_as_erased_with_its_date() -> None:
    sealed = seal(KEY_ID, new_key(), "Jamie's Saturday swim")
    assert "Jamie" not in sealed and "swim" not in sealed
    gone = Erased(datetime(2026, 11, 30, 12, tzinfo=UTC))
    assert reveal([sealed], lambda ids: {KEY_ID: gone}) == ["[erased 2026-11-30]"]
    assert reveal([sealed], lambda ids: {}) == [ERASED]  # a key this store never held


def test_a_token_under_the_wrong_key_or_bound_to_another_id_reads_as_erased() -> None:
    key = new_key()
    sealed = seal(KEY_ID, key, "notes")
    body = sealed.rsplit(":", 1)[1]
    assert open_token(KEY_ID, new_key(), body) == ERASED
    assert open_token(OTHER_ID, key, body) == ERASED  # the key id is bound in
    assert open_token(KEY_ID, key, body[:-2]) == ERASED  # cut short


def test_reveal_walks_dicts_lists_dataclasses_and_models_and_joined_sentences() -> None:
    mine, other = new_key(), new_key()

    @dataclass(frozen=True)
    class Row:
        why: str
        amount: str

    class Page(BaseModel):
        rows: list[Row]
        title: str

    why = f"{seal(KEY_ID, mine, 'charged twice')}; {seal(OTHER_ID, other, 'family away')}"
    page = Page(rows=[Row(why, "25.00")], title="plain")
    asked: list[set[str]] = []

    def lookup(ids: set[str]) -> dict[str, bytes | Erased]:
        asked.append(ids)
        return {KEY_ID: mine, OTHER_ID: Erased(None)}

    shown = reveal({"page": page, "n": 3}, lookup)
    assert shown["page"].rows == [Row("charged twice; [erased]", "25.00")]
    assert shown["n"] == 3 and shown["page"].title == "plain"
    assert asked == [{KEY_ID, OTHER_ID}]  # one look-up per answer
    assert key_ids(page) == {KEY_ID, OTHER_ID}


def test_an_answer_with_nothing_sealed_is_returned_as_it_is_without_a_look_up() -> None:
    answer = {"a": ["b", {"c": "d"}]}

    def refuse(ids: set[str]) -> dict[str, bytes | Erased]:
        raise AssertionError("no look-up expected")

    assert reveal(answer, refuse) is answer


@given(st.text(min_size=1))
def test_text_that_looks_sealed_is_sealed_whole_and_shown_once_not_opened_again(text: str) -> None:
    key = new_key()
    forged = seal(OTHER_ID, new_key(), text)  # a token pasted as someone's text
    assert reveal(seal(KEY_ID, key, forged), lambda ids: {KEY_ID: key}) == forged


@given(st.lists(st.text(min_size=1), min_size=1, max_size=8))
def test_a_budgets_sealer_seals_each_text_as_one_at_a_time_sealing_does(texts: list[str]) -> None:
    key = new_key()
    sealer = Sealer(KEY_ID, key)
    assert [sealer.seal(t) for t in texts + texts] == [seal(KEY_ID, key, t) for t in texts + texts]
