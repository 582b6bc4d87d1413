"""The RAS: published schemes never change, and any recorded allocation can be recomputed."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.aggregates.events import AllocationDecided
from ledger.errors import InvalidAnswers, SchemeNotFound
from ledger.ras import PUBLISHED, Band, Question, Scheme, assess, get_scheme, latest
from tests.builders import open_budget
from tests.conftest import CASEWORKER
from tests.unit.factories import TARGETED_ANSWERS

POINTS = get_scheme("short-breaks-points", 1)
FLAT = get_scheme("flat-short-breaks", 1)

#: Computed once from the published content. A published scheme is never edited:
#: if this fails, publish a new version instead of changing the old one.
PINNED_FINGERPRINTS = {
    ("short-breaks-points", 1): "cfdb0262f37c9dd89b521f5a6c6226c1158fb4241028f2741107bd8dc8019cfd",
    ("flat-short-breaks", 1): "a4b219813902a565aefcb86a091b5b347871b6993727366a93d9dca854ee2dfc",
}


def points_answers(**overrides: str) -> dict[str, str]:
    """Answers scoring nothing, except where overridden."""
    answers = {q.key: min(q.options, key=q.options.__getitem__) for q in POINTS.questions}
    answers.update(overrides)
    return answers


def flat_answers(assessed_need: str = "yes", has_bank_account: str = "yes") -> dict[str, str]:
    return {"assessed_need": assessed_need, "has_bank_account": has_bank_account}


def a_points_scheme(**overrides: Any) -> Scheme:
    """A tiny unpublished scheme: one question worth 10 points at 100.00 a point."""
    fields: dict[str, Any] = dict(
        id="test-scheme",
        version=1,
        kind="points",
        title="test",
        questions=(Question("q", "the one question", {"low": 0, "high": 10}),),
        price_per_point=Decimal("100.00"),
        bands=(Band("all", 0, 100, Decimal("5000.00")),),
        cap=Decimal("5000.00"),
    )
    fields.update(overrides)
    return Scheme(**fields)


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_a_published_scheme_version_keeps_its_pinned_fingerprint(key: tuple[str, int]) -> None:
    assert PUBLISHED[key].fingerprint == PINNED_FINGERPRINTS[key]


def test_every_published_scheme_version_is_pinned() -> None:
    assert set(PUBLISHED) == set(PINNED_FINGERPRINTS)


def test_editing_any_part_of_a_scheme_changes_its_fingerprint() -> None:
    edited = dataclasses.replace(POINTS, price_per_point=Decimal("85.01"))
    assert edited.fingerprint != POINTS.fingerprint


def test_get_scheme_without_a_version_gives_the_latest() -> None:
    assert get_scheme("short-breaks-points") is latest("short-breaks-points") is POINTS


@pytest.mark.parametrize(("scheme_id", "version"), [("no-such-scheme", None), ("short-breaks-points", 99)])
def test_an_unpublished_scheme_is_not_found(scheme_id: str, version: int | None) -> None:
    with pytest.raises(SchemeNotFound):
        get_scheme(scheme_id, version)


@pytest.mark.parametrize(
    ("overrides", "points", "band", "amount"),
    [
        ({}, 0, "universal_plus", "0.00"),
        ({"personal_care": "some", "siblings": "1"}, 6, "universal_plus", "510.00"),
        ({"personal_care": "some", "health_needs": "some"}, 8, "universal_plus", "600.00"),  # 680 capped
        (TARGETED_ANSWERS, 10, "targeted", "850.00"),
        (
            {"personal_care": "critical", "health_needs": "critical", "siblings": "2+"},
            28,
            "targeted",
            "2380.00",
        ),
        (
            {
                "personal_care": "critical",
                "health_needs": "substantial",
                "behaviour": "some",
                "carer_resilience": "strained",
            },
            30,
            "specialist",
            "2550.00",
        ),
        (
            {
                "personal_care": "critical",
                "health_needs": "critical",
                "behaviour": "critical",
                "carer_resilience": "at_risk",
            },
            48,
            "specialist",
            "4000.00",
        ),  # 4080 capped by the band
        (
            {
                "personal_care": "critical",
                "health_needs": "critical",
                "behaviour": "critical",
                "community_access": "substantial",
                "carer_resilience": "strained",
            },
            50,
            "complex",
            "4250.00",
        ),
        (
            {
                q: "critical"
                for q in ("personal_care", "health_needs", "behaviour", "community_access", "night_support")
            }
            | {"carer_resilience": "at_risk", "siblings": "2+"},
            76,
            "complex",
            "6460.00",
        ),
    ],
)
def test_the_points_scheme_gives_hand_computed_points_bands_and_amounts(
    overrides: dict[str, str], points: int, band: str, amount: str
) -> None:
    result = assess(POINTS, points_answers(**overrides))
    assert (result.points, result.band, result.indicative_amount) == (points, band, Decimal(amount))
    assert result.working[-1] == f"indicative amount: {amount}"
    assert result.scheme_fingerprint == POINTS.fingerprint


def test_a_band_cap_is_shown_in_the_working() -> None:
    result = assess(POINTS, points_answers(personal_care="some", health_needs="some"))
    assert "band universal_plus caps the amount at 600.00" in result.working


def test_the_scheme_cap_limits_the_amount_below_the_band_cap() -> None:
    result = assess(a_points_scheme(cap=Decimal("800.00")), {"q": "high"})
    assert result.indicative_amount == Decimal("800.00")
    assert "scheme cap 800.00 applies" in result.working


def test_points_that_no_band_covers_give_nothing() -> None:
    scheme = a_points_scheme(bands=(Band("low", 0, 5, Decimal("5000.00")),))
    result = assess(scheme, {"q": "high"})
    assert (result.band, result.indicative_amount) == ("none", Decimal("0.00"))


def test_the_flat_scheme_pays_its_flat_amount_to_an_eligible_family() -> None:
    result = assess(FLAT, flat_answers())
    assert result.indicative_amount == Decimal("600.00")
    assert "flat rate 600.00 applies" in result.working


@pytest.mark.parametrize(("need", "account"), [("no", "yes"), ("yes", "no"), ("no", "no")])
def test_the_flat_scheme_pays_nothing_to_an_ineligible_family(need: str, account: str) -> None:
    result = assess(FLAT, flat_answers(need, account))
    assert result.indicative_amount == Decimal("0.00")
    assert "flat rate 600.00 does not apply" in result.working


@pytest.mark.parametrize(
    "answers",
    [
        {k: v for k, v in points_answers().items() if k != "siblings"},
        points_answers() | {"pets": "none"},
        points_answers(personal_care="extreme"),
        points_answers(siblings="2"),
        {},
    ],
    ids=["missing", "unknown-question", "unknown-option", "near-miss-option", "empty"],
)
def test_invalid_answers_are_refused(answers: dict[str, str]) -> None:
    with pytest.raises(InvalidAnswers):
        assess(POINTS, answers)


def answers_for(scheme: Scheme) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({q.key: st.sampled_from(sorted(q.options)) for q in scheme.questions})


schemes_and_answers = st.sampled_from(sorted(PUBLISHED.values(), key=lambda s: (s.id, s.version))).flatmap(
    lambda scheme: st.tuples(st.just(scheme), answers_for(scheme))
)


@given(schemes_and_answers)
def test_any_valid_answers_give_a_deterministic_amount_between_zero_and_the_scheme_cap(
    case: tuple[Scheme, dict[str, str]],
) -> None:
    scheme, answers = case
    result = assess(scheme, answers)
    assert Decimal("0.00") <= result.indicative_amount <= scheme.cap
    assert result.indicative_amount.as_tuple().exponent == -2
    assert result.points == sum(q.options[answers[q.key]] for q in scheme.questions)
    band = next((b for b in scheme.bands if b.name == result.band), None)
    if band is not None:
        assert result.indicative_amount <= band.cap
    assert assess(scheme, dict(reversed(list(answers.items())))) == result


ALLOCATIONS = [
    ("short-breaks-points", TARGETED_ANSWERS, "850.00", None),
    (
        "short-breaks-points",
        points_answers(personal_care="some", health_needs="some"),
        "700.00",
        "band cap too low for this family",
    ),
    (
        "short-breaks-points",
        points_answers(
            personal_care="critical", behaviour="critical", carer_resilience="at_risk", siblings="1"
        ),
        "3230.00",
        None,
    ),
    ("flat-short-breaks", flat_answers(), "600.00", None),
    ("flat-short-breaks", flat_answers(has_bank_account="no"), "600.00", "paid to a managed account"),
]


def test_every_recorded_allocation_recomputes_from_its_recorded_answers(ledger) -> None:
    budget_ids = []
    for scheme_id, answers, amount, variance in ALLOCATIONS:
        budget_id = open_budget(ledger)
        ledger.decide_allocation(
            CASEWORKER,
            budget_id,
            {"social_care": Decimal(amount)},
            "panel decision",
            ras=(scheme_id, answers, None),
            variance_reason=variance,
        )
        budget_ids.append(budget_id)
    decided = [e for b in budget_ids for e in ledger.events.get(b) if isinstance(e, AllocationDecided)]
    assert len(decided) == len(ALLOCATIONS)
    for event in decided:
        assert event.scheme_id is not None and event.scheme_version is not None
        scheme = get_scheme(event.scheme_id, event.scheme_version)
        again = assess(scheme, event.answers)
        assert event.scheme_fingerprint == scheme.fingerprint
        assert (event.points, event.band, event.indicative_amount, event.working) == (
            again.points,
            again.band,
            again.indicative_amount,
            again.working,
        )
