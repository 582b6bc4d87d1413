"""The wire types every schema is built from: money, dates, times, bounded text, the design's words.

Money travels as a JSON string (`"300.00"`), never a JSON number: a float cannot
say "three hundred pounds exactly". Each type validates exactly what its JSON
Schema publishes, so a client generated from `/openapi.json` and the server
agree on what is valid.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from ledger.aggregates.vocabulary import (
    BudgetStatus,
    Category,
    DisputeOutcome,
    DisputeSubject,
    FundingStream,
    Management,
    TrialOutcome,
    Unit,
)
from ledger.money import fmt

MONEY_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,2})?$"
ZERO_PATTERN = r"^0+(\.0+)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_MONEY = re.compile(MONEY_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_TIME = re.compile(TIME_PATTERN)


def _decimal(value: object, *, positive: bool) -> Decimal:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "money_type",
            'amounts are JSON strings such as "300.00", not {kind}',
            {"kind": type(value).__name__},
        )
    if not _MONEY.fullmatch(value):
        raise PydanticCustomError(
            "money_format", "amounts are up to nine digits with at most two decimals, and not negative"
        )
    amount = Decimal(value)
    if positive and not amount:
        raise PydanticCustomError("money_positive", "this amount must be above zero")
    return amount


def _positive(value: object) -> Decimal:
    return _decimal(value, positive=True)


def _non_negative(value: object) -> Decimal:
    return _decimal(value, positive=False)


def _day(value: object) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "dates are strings YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_invalid", "{value} is not a calendar date", {"value": value}
        ) from None


def _instant(value: object) -> datetime:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise PydanticCustomError(
            "datetime_format", "times are ISO 8601 with a UTC offset, e.g. 2026-05-01T12:00:00Z"
        )
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise PydanticCustomError(
            "datetime_invalid", "{value} is not a real time", {"value": value}
        ) from None


def _money_schema(positive: bool, description: str, example: str = "300.00") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "pattern": MONEY_PATTERN, "examples": [example]}
    if positive:
        schema["not"] = {"pattern": ZERO_PATTERN}
    return {**schema, "description": description}


#: an amount above zero, e.g. a spend or an instalment
PositiveMoney = Annotated[
    Decimal,
    PlainValidator(_positive),
    WithJsonSchema(_money_schema(True, "GBP as a string, above zero, at most two decimals")),
]
#: an amount that may be zero, e.g. a declared spend or one stream of an allocation
Money = Annotated[
    Decimal,
    PlainValidator(_non_negative),
    WithJsonSchema(_money_schema(False, "GBP as a string, at most two decimals")),
]
#: a quantity of units (hours, nights...), a decimal string like an amount
Quantity = Annotated[
    Decimal,
    PlainValidator(_positive),
    WithJsonSchema(_money_schema(True, "units as a decimal string, above zero, at most two decimals", "7.5")),
]
Day = Annotated[
    date,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN, "examples": ["2026-04-01"]}),
]
Instant = Annotated[
    datetime,
    PlainValidator(_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIME_PATTERN}),
]

#: amounts on the way out: always exactly two places
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(fmt, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["600.00"]}),
]

#: one line of text with something visible in it: no control characters
ONE_LINE = r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=ONE_LINE)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=ONE_LINE)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
Notes = Annotated[str, StringConstraints(max_length=2000)]
#: a provider's register id (a UUID), and a medical task's name from the council's list
ProviderId = Annotated[str, StringConstraints(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]
Task = Annotated[str, StringConstraints(min_length=2, max_length=60, pattern=r"^[a-z][a-z0-9_]+$")]

# The design's closed word lists are the domain's own enums: declared once, in the vocabulary.
Stream = FundingStream
Status = BudgetStatus
__all__ = [
    "Category",
    "DisputeOutcome",
    "DisputeSubject",
    "Management",
    "Status",
    "Stream",
    "TrialOutcome",
    "Unit",
]
