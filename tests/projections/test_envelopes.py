"""Funding envelopes: the singleton aggregate and its two use cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger import errors
from ledger.aggregates.envelopes import ENVELOPES_ID, Envelopes, financial_year
from ledger.envelopes import list_envelopes, set_envelope
from tests.conftest import ADMIN, AUDITOR, CASEWORKER, COMMISSIONER

D = Decimal


def test_a_new_setting_supersedes_the_published_envelope_and_both_stay_on_record(ledger) -> None:
    first = set_envelope(ledger, COMMISSIONER, "social_care", 2026, D("5000.00"), "budget setting")
    second = set_envelope(ledger, ADMIN, "social_care", 2026, D("4500"), "in-year saving")
    assert second.position > first.position
    [current] = list_envelopes(ledger, AUDITOR)
    assert (current.stream, current.year, current.amount) == ("social_care", 2026, D("4500.00"))
    assert (current.reason, current.set_by) == ("in-year saving", ADMIN.id)
    history = [e for e in ledger.events.get(ENVELOPES_ID) if isinstance(e, Envelopes.EnvelopeSet)]
    assert [(e.amount, e.actor_id, e.actor_role) for e in history] == [
        (D("5000.00"), COMMISSIONER.id, "commissioner"),
        (D("4500.00"), ADMIN.id, "admin"),
    ]


def test_envelopes_are_listed_by_year_then_stream_and_filtered_by_year(ledger) -> None:
    set_envelope(ledger, COMMISSIONER, "health", 2026, D("100.00"), "x")
    set_envelope(ledger, COMMISSIONER, "education", 2025, D("200.00"), "x")
    set_envelope(ledger, COMMISSIONER, "education", 2026, D("300.00"), "x")
    listing = list_envelopes(ledger, COMMISSIONER)
    assert [(e.year, e.stream) for e in listing] == [
        (2025, "education"),
        (2026, "education"),
        (2026, "health"),
    ]
    assert [e.stream for e in list_envelopes(ledger, COMMISSIONER, year=2025)] == ["education"]
    assert list_envelopes(ledger, COMMISSIONER, year=2030) == []


def test_only_commissioners_and_admins_set_envelopes_and_caseworkers_cannot_list_them(ledger) -> None:
    with pytest.raises(errors.Forbidden):
        set_envelope(ledger, AUDITOR, "health", 2026, D("1.00"), "x")
    with pytest.raises(errors.Forbidden):
        list_envelopes(ledger, CASEWORKER)


@pytest.mark.parametrize(
    ("stream", "year", "amount", "reason", "error"),
    [
        ("lottery", 2026, "1.00", "x", errors.InvalidChoice),
        ("health", 1999, "1.00", "x", errors.InvalidInput),
        ("health", True, "1.00", "x", errors.InvalidInput),
        ("health", 2026, "-1.00", "x", errors.InvalidAmount),
        ("health", 2026, "1.001", "x", errors.InvalidAmount),
        ("health", 2026, "1.00", " ", errors.InvalidInput),
    ],
)
def test_an_invalid_envelope_is_refused_and_records_nothing(
    stream: str, year: int, amount: str, reason: str, error: type[Exception]
) -> None:
    envelopes = Envelopes()
    with pytest.raises(error):
        envelopes.set(COMMISSIONER, stream, year, D(amount), reason)
    assert len(envelopes.collect_events()) == 1  # only its creation
    assert envelopes.listing() == []


def test_the_financial_year_starts_on_the_first_of_april() -> None:
    assert financial_year(date(2026, 4, 1)) == 2026
    assert financial_year(date(2027, 3, 31)) == 2026
    assert financial_year(date(2026, 3, 31)) == 2025
