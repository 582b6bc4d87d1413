"""Cursor paging of a budget's lists: walking the pages yields every item once, newest first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.paging import decode, encode, newest_first
from ledger.errors import InvalidInput


@given(count=st.integers(0, 300), limit=st.integers(1, 60), added=st.integers(0, 20))
def test_walking_the_pages_yields_every_item_once_newest_first_even_as_items_arrive(
    count: int, limit: int, added: int
) -> None:
    items = list(range(count))
    seen, cursor = [], None
    page, cursor = newest_first("spends", items, limit, cursor)
    seen += page
    items += list(range(count, count + added))  # new spends arrive between two requests
    while cursor is not None:
        page, cursor = newest_first("spends", items, limit, cursor)
        assert 0 < len(page) <= limit
        seen += page
    assert seen == list(range(count))[::-1]


@given(kind=st.sampled_from(["spends", "history"]), position=st.integers(0, 2**40))
def test_a_cursor_round_trips_and_is_refused_by_another_list(kind: str, position: int) -> None:
    cursor = encode(kind, position)
    assert decode(kind, cursor) == position
    with pytest.raises(InvalidInput):
        decode("monitoring-returns", cursor)


@pytest.mark.parametrize("junk", ["x", "c3BlbmRzOi0x", "c3BlbmRzOmFi", "%%%"])
def test_made_up_cursors_are_refused(junk: str) -> None:
    with pytest.raises(InvalidInput):
        decode("spends", junk)
