"""The Checkpoints aggregate alone: segments seal new positions in order; a checkpoint marks their end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger import errors
from ledger.aggregates.checkpoints import FINGERPRINT_DIGITS, Checkpoints

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def prints(n: int) -> str:
    return "ab" * (FINGERPRINT_DIGITS // 2) * n


def test_segments_follow_each_other_and_a_checkpoint_marks_their_end() -> None:
    book = Checkpoints()
    book.seal([1, 2, 4], prints(3), "h4")  # position 3 is a gap the store left
    book.seal([5], prints(1), "h5")
    book.make(5, "h5", NOW, "aud-1")
    assert book.sealed_to == 5
    assert [(s.first, s.last, s.running_hash) for s in book.segments] == [(1, 4, "h4"), (5, 5, "h5")]
    assert [(c.position, c.hash, c.made_by) for c in book.checkpoints] == [(5, "h5", "aud-1")]


@pytest.mark.parametrize(
    "positions, fingerprints",
    [
        ([], ""),  # nothing to seal
        ([3], prints(1)),  # not after the last sealed position
        ([7, 6], prints(2)),  # out of order
        ([6, 6], prints(2)),  # twice
        ([6, 7], prints(1)),  # a fingerprint short
    ],
)
def test_a_segment_that_does_not_follow_or_does_not_fit_is_refused_and_records_nothing(
    positions: list[int], fingerprints: str
) -> None:
    book = Checkpoints()
    book.seal([1, 2, 3, 4, 5], prints(5), "h5")
    pending = len(book.pending_events)
    with pytest.raises(errors.InvalidInput):
        book.seal(positions, fingerprints, "h")
    assert len(book.pending_events) == pending and book.sealed_to == 5


def test_a_checkpoint_elsewhere_than_the_end_of_the_seals_is_refused() -> None:
    book = Checkpoints()
    book.seal([1, 2], prints(2), "h2")
    with pytest.raises(errors.InvalidInput):
        book.make(1, "h1", NOW, "aud-1")
    assert book.checkpoints == []
