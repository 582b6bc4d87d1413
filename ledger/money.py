"""Money: GBP amounts as exact `Decimal` values with exactly two places.

Every amount that enters the ledger passes through `to_money`, so a float, a
NaN, an infinity, a third decimal place or an absurd magnitude is refused at the
door with `InvalidAmount` rather than silently rounded somewhere inside.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ledger.errors import InvalidAmount

CURRENCY = "GBP"
PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
#: No individual budget or council envelope comes near a billion pounds.
MAX_AMOUNT = Decimal("999999999.99")

Money = Decimal
#: ASCII digits only: no exponents, digit separators or other scripts' digits
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


def to_money(value: object) -> Decimal:
    """Parse `value` (a `Decimal`, `int` or string) into a two-place amount."""
    if isinstance(value, (bool, float)):
        raise InvalidAmount(f"amounts must be decimal strings, not {type(value).__name__}")
    if isinstance(value, str):
        if not PLAIN_DECIMAL.fullmatch(value):
            raise InvalidAmount(f"{value!r} is not a plain decimal amount such as '600.00'")
        value = Decimal(value)
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise InvalidAmount(f"{type(value).__name__} is not an amount")
    if not value.is_finite():
        raise InvalidAmount("amounts must be finite")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidAmount(f"{value} has more than two decimal places")
    if abs(value) > MAX_AMOUNT:
        raise InvalidAmount(f"{value} is beyond the largest amount ({MAX_AMOUNT})")
    return value.quantize(PENNY) + ZERO  # `+ ZERO` turns -0.00 into 0.00


def to_positive_money(value: object) -> Decimal:
    """Parse an amount that must be above zero (a spend, an instalment)."""
    amount = to_money(value)
    if amount <= ZERO:
        raise InvalidAmount(f"{amount} must be above zero")
    return amount


def to_non_negative_money(value: object) -> Decimal:
    amount = to_money(value)
    if amount < ZERO:
        raise InvalidAmount(f"{amount} must not be negative")
    return amount


def total(amounts: object) -> Decimal:
    """Sum an iterable of amounts, starting from an exact zero."""
    result = ZERO
    for amount in amounts:  # type: ignore[attr-defined]
        result += amount
    return result


def fmt(amount: Decimal) -> str:
    """The wire form of an amount: `"600.00"`."""
    return str(amount.quantize(PENNY))
