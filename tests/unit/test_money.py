"""Money enters the ledger only through `to_money`: exact two-place GBP decimals, or a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import InvalidAmount
from ledger.money import MAX_AMOUNT, fmt, to_money, to_non_negative_money, to_positive_money

FULL_WIDTH_600 = "\uff16\uff10\uff10"
two_place_amounts = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)


@pytest.mark.parametrize(
    "value",
    [
        600.0,
        0.1,
        True,
        False,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        "NaN",
        "Infinity",
        "1.001",
        "1.100",
        Decimal("1.100"),
        Decimal("0.005"),
        "1000000000.00",
        Decimal("-1000000000"),
        10**12,
        "1E+30",
        "",
        " ",
        "\t\n",
        " 600",
        "600 ",
        "six hundred",
        "600,00",
        None,
        [600],
    ],
    ids=repr,
)
def test_to_money_refuses_anything_but_an_exact_two_place_amount(value: object) -> None:
    with pytest.raises(InvalidAmount):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("600", "600.00"),
        ("600.00", "600.00"),
        ("600.5", "600.50"),
        ("0.01", "0.01"),
        ("-12.30", "-12.30"),
        (Decimal("600"), "600.00"),
        (Decimal("42.10"), "42.10"),
        (600, "600.00"),
        (0, "0.00"),
        ("999999999.99", "999999999.99"),
    ],
)
def test_to_money_accepts_decimal_strings_decimals_and_ints(value: object, expected: str) -> None:
    amount = to_money(value)
    assert amount == Decimal(expected)
    assert str(amount) == expected


@pytest.mark.parametrize("value", ["600", Decimal("1E+2"), 7, "0.1", "-0", Decimal("-0.00")])
def test_the_result_has_exactly_two_places(value: object) -> None:
    assert to_money(value).as_tuple().exponent == -2


def test_negative_zero_comes_out_as_plain_zero() -> None:
    assert fmt(to_money("-0.00")) == "0.00"


@pytest.mark.parametrize("value", ["0", "0.00", "-1.00"])
def test_a_positive_amount_must_be_above_zero(value: str) -> None:
    with pytest.raises(InvalidAmount):
        to_positive_money(value)


def test_a_non_negative_amount_allows_zero_but_not_below() -> None:
    assert to_non_negative_money("0") == Decimal("0.00")
    with pytest.raises(InvalidAmount):
        to_non_negative_money("-0.01")


def test_fmt_writes_the_wire_form_with_two_decimals() -> None:
    assert fmt(Decimal("600")) == "600.00"
    assert fmt(Decimal("1.5")) == "1.50"


@given(two_place_amounts)
def test_any_two_place_amount_in_range_survives_to_money_and_the_wire_unchanged(amount: Decimal) -> None:
    parsed = to_money(amount)
    assert parsed == amount
    assert parsed.as_tuple().exponent == -2
    wire = fmt(parsed)
    assert to_money(wire) == amount
    assert fmt(to_money(wire)) == wire


@pytest.mark.parametrize("text", ["1_000", "1_0.0_0", "1e2", FULL_WIDTH_600])
def test_to_money_refuses_strings_that_are_not_plain_decimal_numbers(text: str) -> None:
    with pytest.raises(InvalidAmount):
        to_money(text)
