"""Text that is safe to show, refused in the domain whoever calls (issue 14): no database here."""

from __future__ import annotations

import sys
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.aggregates.budget import Budget
from ledger.aggregates.envelopes import Envelopes
from ledger.aggregates.keyring import KeyRing
from ledger.aggregates.text import BIDI_CONTROLS, check_text, unsafe_character
from ledger.errors import UnsafeText
from tests.builders import a_spend
from tests.conftest import ADMIN, CASEWORKER, COMMISSIONER
from tests.unit.factories import PERIOD_END, PERIOD_START, funded_budget, new_budget, refuses

#: what the outside probe sent: NUL, ESC, a right-to-left override, and more of the kind
UNSAFE = ["\x00", "\x1b[2J", "\u202e", "\r", "\x7f", "\x85", "\u2028", "\u2066", "\ud800"]
SAFE = ["Saturday sessions", "tab\tseparated", "two\nlines", "windows\r\nlines", "Zoë's café £40 ✓", "عربي"]


@pytest.mark.parametrize("bad", UNSAFE, ids=repr)
def test_a_spend_description_with_an_unsafe_character_is_refused_and_records_nothing(bad: str) -> None:
    budget = funded_budget()
    with refuses(budget, UnsafeText) as refused:
        budget.record_spend(CASEWORKER, "s1", a_spend(description=f"PA {bad}hours"))
    assert "description" in refused.value.detail and "U+" in refused.value.detail
    assert bad not in refused.value.detail  # the refusal names the character, never prints it


@pytest.mark.parametrize("good", SAFE)
def test_ordinary_text_in_any_language_with_tabs_and_line_breaks_is_kept(good: str) -> None:
    budget = funded_budget()
    budget.record_spend(CASEWORKER, "s1", a_spend(description=good))
    assert budget.spends["s1"].description == good


def test_every_free_text_field_of_every_command_is_checked() -> None:
    bad = "x\u202ey"
    commands = {
        "reference": lambda: new_budget(reference=f"BH-{bad}"),
        "family_ref": lambda: new_budget(family_ref=bad),
        "cohort": lambda: new_budget(cohort=bad),
        "broker_org": lambda: new_budget(broker_org=bad),
        "provider": lambda: funded_budget().record_spend(CASEWORKER, "s", a_spend(provider=bad)),
        "notes": lambda: funded_budget().submit_return(
            CASEWORKER, PERIOD_START, PERIOD_END, Decimal("1.00"), bad
        ),
        "summary": lambda: funded_budget().review(CASEWORKER, date(2026, 10, 1), bad, date(2027, 1, 1)),
        "reason": lambda: funded_budget().suspend(CASEWORKER, bad),
        "grounds": lambda: funded_budget().raise_dispute(CASEWORKER, "allocation", bad),
        "name": lambda: funded_budget().start_trial(CASEWORKER, bad, Decimal(1), Decimal(1)),
        "rationale": lambda: new_budget().decide_allocation(CASEWORKER, {"social_care": Decimal(100)}, bad),
    }
    for field, command in commands.items():
        with pytest.raises(UnsafeText) as refused:
            command()
        assert field in refused.value.detail, (field, refused.value.detail)


def test_a_budget_opened_with_unsafe_text_is_never_made() -> None:
    with pytest.raises(UnsafeText):
        Budget.open(CASEWORKER, "BH-\x00-1", "FAM-001", PERIOD_START, PERIOD_END, "direct_payment")


def test_key_names_and_envelope_reasons_are_checked_too() -> None:
    ring = KeyRing()
    with pytest.raises(UnsafeText):
        ring.add("k1", "ibl_x", "night\x1bshift", "admin", None, None, ADMIN.id)
    with pytest.raises(UnsafeText):
        ring.add("k1", "ibl_x", "ops", "broker", "org\u202e", None, ADMIN.id)
    assert ring.entries == {}
    envelopes = Envelopes()
    with pytest.raises(UnsafeText):
        envelopes.set(COMMISSIONER, "health", 2026, Decimal("1.00"), "ICB\x00")
    assert envelopes.current == {}


@given(st.text(), st.sampled_from(UNSAFE), st.text())
def test_any_text_holding_an_unsafe_character_is_refused(before: str, bad: str, after: str) -> None:
    with pytest.raises(UnsafeText):
        check_text("notes", before + bad + after)


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_text_without_controls_or_bidi_is_accepted(text: str) -> None:
    if not set(text) & BIDI_CONTROLS:
        assert check_text("notes", text) == text
        assert unsafe_character(text) is None


def _by_category(text: str) -> str | None:
    """The rule as first written: a loop over `unicodedata` (slow), kept here as the reference."""
    for char in text.replace("\r\n", "\n"):
        if char not in "\t\n" and (
            char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        ):
            return char
    return None


def test_the_fast_check_refuses_exactly_the_characters_the_unicode_categories_name() -> None:
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        assert unsafe_character(f"a{char}b") == _by_category(f"a{char}b"), f"U+{point:04X}"


@given(st.text(alphabet=st.sampled_from(["a", "\r", "\n", "\t", "\x00", "\u202e", "é", "\u2028", "\x85"])))
def test_the_fast_check_finds_the_same_first_character_as_the_reference(text: str) -> None:
    assert unsafe_character(text) == _by_category(text)
