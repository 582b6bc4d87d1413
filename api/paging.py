"""Cursor paging of a budget's own lists (spends, monitoring returns, history), read from the event store.

A cursor is opaque to clients: it encodes a position in the list and the list's
kind, so a cursor of one list is refused (422) by another rather than misread.
Spends and returns are append-only in their budget, so a position stays valid as
new ones arrive: pages run newest first and a cursor always leads to older items.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Query

from ledger.errors import InvalidInput

T = TypeVar("T")
#: how many spends a budget's own answer carries (the rest via `spends_next_cursor`)
NEWEST = 50
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many items")]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")]


def encode(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> int | None:
    """The position in `cursor`, None for no cursor; 422 for one this server did not give out here."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found, _, value = text.partition(":")
        position = int(value)
        if found != kind or position < 0:
            raise ValueError(found)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(f"The cursor is not one this server gave out for {kind}.") from None
    return position


def newest_first(kind: str, items: Sequence[T], limit: int, cursor: str | None) -> tuple[list[T], str | None]:
    """A page of `items` (oldest first as stored) newest first, and the cursor to the older rest."""
    before = decode(kind, cursor)
    end = len(items) if before is None else min(before, len(items))
    start = max(0, end - limit)
    page = list(reversed(items[start:end]))
    return page, encode(kind, start) if start > 0 else None
