"""The ledger's checkpoints: where the running hash stood, and a short fingerprint of every event.

A checkpoint (`position`, `hash`, `made_at`) is what an auditor keeps outside the
system; comparing the ledger with it later proves nothing before that position was
edited, removed, inserted or reordered (`ledger.proof`). The running hash alone
could only say *that* something changed; so each checkpoint also seals, in
segments, a 16-hex-digit fingerprint per event since the previous one, which lets
verification name the first position that differs. Fingerprints hold no data of
their own: they are prefixes of hashes of the stored events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import errors

CHECKPOINTS_ID: UUID = uuid5(NAMESPACE_URL, "https://ledger.invalid/checkpoints")
#: hex digits of each event's fingerprint kept in a segment (64 bits: enough to locate a change)
FINGERPRINT_DIGITS = 16


@dataclass(frozen=True)
class Checkpoint:
    position: int
    hash: str
    made_at: datetime
    made_by: str


@dataclass(frozen=True)
class Segment:
    """Positions `first`..`last` (the ids of any gaps left out), and the running hash after `last`."""

    first: int
    last: int
    running_hash: str


class Checkpoints(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return CHECKPOINTS_ID

    @event("Created")
    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.checkpoints: list[Checkpoint] = []

    @property
    def sealed_to(self) -> int:
        return self.segments[-1].last if self.segments else 0

    def seal(self, positions: list[int], fingerprints: str, running_hash: str) -> None:
        """Seal the fingerprints of `positions`, which must follow the last sealed position."""
        if not positions or positions[0] <= self.sealed_to or positions != sorted(set(positions)):
            raise errors.InvalidInput("a segment seals new positions, in order, after the last one")
        if len(fingerprints) != FINGERPRINT_DIGITS * len(positions):
            raise errors.InvalidInput("one fingerprint per position")
        self._sealed(positions, fingerprints, running_hash)

    @event("SegmentSealed")
    def _sealed(self, positions: list[int], fingerprints: str, running_hash: str) -> None:
        self.segments.append(Segment(positions[0], positions[-1], running_hash))

    def make(self, position: int, hash: str, made_at: datetime, by: str) -> None:
        if position != self.sealed_to:
            raise errors.InvalidInput("a checkpoint stands where the sealed fingerprints end")
        self._made(position, hash, made_at, by)

    @event("CheckpointMade")
    def _made(self, position: int, hash: str, made_at: datetime, by: str) -> None:
        self.checkpoints.append(Checkpoint(position, hash, made_at, by))
