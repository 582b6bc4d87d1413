"""The pool's pre-ping skips only a connection that was working a moment ago."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ledger.ops import tables


@dataclass(eq=False)
class Conn:
    broken: bool = False


class Pool:
    def __init__(self) -> None:
        self.pinged: list[Conn] = []
        self.reset: list[Conn] = []
        self._check: Any = self.pinged.append
        self._reset: Any = self.reset.append


def test_a_connection_is_pinged_when_new_broken_or_idle_and_not_when_just_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr(tables.time, "monotonic", lambda: now[0])
    pool = Pool()
    tables.ping_only_after_idle(pool)
    conn = Conn()
    pool._check(conn)  # never returned yet: pinged
    assert pool.pinged == [conn]
    pool._reset(conn)  # returned: the library's own reset still runs
    assert pool.reset == [conn]
    now[0] += tables.PING_AFTER_IDLE / 2
    pool._check(conn)  # working a moment ago: taken on trust
    assert pool.pinged == [conn]
    conn.broken = True
    pool._check(conn)  # known broken: pinged (and so discarded)
    assert pool.pinged == [conn, conn]
    conn.broken = False
    now[0] += tables.PING_AFTER_IDLE
    pool._check(conn)  # idle long enough for the store to have gone: pinged
    assert pool.pinged == [conn, conn, conn]


def test_a_pool_without_a_check_is_left_alone() -> None:
    pool = Pool()
    pool._check = None
    tables.ping_only_after_idle(pool)
    assert pool._check is None
