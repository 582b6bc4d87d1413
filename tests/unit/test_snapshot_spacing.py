"""Snapshots come further apart as a budget grows, so each costs about the same per event."""

from __future__ import annotations

import itertools

from ledger.snapshots import GROWTH, due, spacing


def test_the_spacing_is_the_interval_until_the_version_is_many_intervals_then_doubles_with_it() -> None:
    assert [spacing(v, 100) for v in (1, 100, 2 * GROWTH * 100 - 1)] == [100, 100, 100]
    assert spacing(2 * GROWTH * 100, 100) == 200
    assert spacing(4 * GROWTH * 100 - 1, 100) == 200
    assert spacing(4 * GROWTH * 100, 100) == 400


def test_the_events_after_the_last_snapshot_are_never_more_than_an_eighth_of_a_large_budgets() -> None:
    taken = [v for v in range(1, 20_001) if due([v], 100)]
    gaps = [(after, after - before) for before, after in itertools.pairwise(taken)]
    assert taken[:3] == [100, 200, 300] and 12_800 in taken
    assert all(gap <= max(100, after // GROWTH) for after, gap in gaps)
    assert len(taken) < 60  # every 100 events: 200 snapshots


def test_a_save_of_many_events_is_due_when_any_of_them_falls_on_a_snapshot() -> None:
    assert due(range(95, 105), 100) and not due(range(101, 200), 100) and not due([], 100)
