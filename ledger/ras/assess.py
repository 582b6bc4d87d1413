"""The pure function from a scheme and a family's answers to an indicative amount."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import InvalidAnswers
from ledger.money import PENNY, ZERO
from ledger.ras.scheme import Scheme


@dataclass(frozen=True)
class Assessment:
    scheme_id: str
    scheme_version: int
    scheme_fingerprint: str
    answers: dict[str, str]
    points: int
    band: str
    indicative_amount: Decimal
    working: list[str] = field(default_factory=list)


def _check_answers(scheme: Scheme, answers: dict[str, str]) -> None:
    expected = {q.key for q in scheme.questions}
    missing = sorted(expected - answers.keys())
    unknown = sorted(answers.keys() - expected)
    if missing or unknown:
        raise InvalidAnswers(f"missing answers {missing}, unknown questions {unknown}")
    for question in scheme.questions:
        if answers[question.key] not in question.options:
            options = sorted(question.options)
            raise InvalidAnswers(f"{question.key}: {answers[question.key]!r} is not one of {options}")


def assess(scheme: Scheme, answers: dict[str, str]) -> Assessment:
    """Score `answers` against `scheme`; every step of the sum is kept in `working`."""
    _check_answers(scheme, answers)
    working: list[str] = []
    points = 0
    for question in scheme.questions:
        scored = question.options[answers[question.key]]
        points += scored
        working.append(f"{question.key} = {answers[question.key]}: {scored} points")
    working.append(f"total points: {points}")
    band = next((b for b in scheme.bands if b.min_points <= points <= b.max_points), None)
    band_name = band.name if band else "none"
    if scheme.kind == "flat":
        eligible = all(answers.get(k) == v for k, v in scheme.eligible_when)
        amount = scheme.flat_amount if eligible else ZERO
        working.append(f"flat rate {scheme.flat_amount} {'applies' if eligible else 'does not apply'}")
    else:
        amount = (scheme.price_per_point * points).quantize(PENNY)
        working.append(f"{points} points x {scheme.price_per_point} per point = {amount}")
        if band is None:
            amount = ZERO
            working.append("no band covers these points: indicative amount 0.00")
        elif amount > band.cap:
            amount = band.cap
            working.append(f"band {band.name} caps the amount at {band.cap}")
    if amount > scheme.cap:
        amount = scheme.cap
        working.append(f"scheme cap {scheme.cap} applies")
    working.append(f"indicative amount: {amount}")
    return Assessment(
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        scheme_fingerprint=scheme.fingerprint,
        answers=dict(answers),
        points=points,
        band=band_name,
        indicative_amount=amount,
        working=working,
    )
