"""A RAS scheme is data: questions with scored options, bands, a price per point, a cap.

A scheme is frozen and carries a fingerprint of its content, so an allocation
records exactly which rules produced its indicative amount, and a test can show
that no published version was edited after the fact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    options: dict[str, int]  # option -> points


@dataclass(frozen=True)
class Band:
    """Points from `min_points` up to `max_points` (inclusive) fall in this band."""

    name: str
    min_points: int
    max_points: int
    cap: Decimal  # the band's highest indicative amount


@dataclass(frozen=True)
class Scheme:
    """`kind` is `points` (points x price, within band and scheme caps) or `flat`."""

    id: str
    version: int
    kind: str
    title: str
    questions: tuple[Question, ...]
    price_per_point: Decimal
    bands: tuple[Band, ...]
    cap: Decimal
    flat_amount: Decimal = Decimal("0.00")
    #: for `flat` schemes: the answers that make a family eligible for the flat amount
    eligible_when: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        body = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)
