"""Rows of a month-end file: CSV with a header, or JSON lines, one spend per row.

Columns (CSV header or JSON keys): `row_id`, `budget` (the budget's id or its
council reference), `amount`, `category`, `provider`, `service_date`,
`description`, and optionally `units`, `unit`, `funding_stream`, `provider_id` (a register
entry, where the budget's scheme requires one). A row that
cannot be read is refused on its own with the reason; the file is refused whole
only when it has no rows at all or no header naming the required columns.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ledger import errors
from ledger.aggregates.spending import SpendRequest
from ledger.money import to_money

Format = Literal["csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl")
REQUIRED = ("row_id", "budget", "amount", "category", "provider", "service_date", "description")
OPTIONAL = ("units", "unit", "funding_stream", "provider_id")
MAX_ROW_ID = 200


@dataclass(frozen=True)
class IngestRow:
    line: int  # 1-based line of the file the row came from (the header is line 1 in a CSV)
    row_id: str
    budget: str
    request: SpendRequest


@dataclass(frozen=True)
class UnreadableRow:
    line: int
    row_id: str | None
    budget: str | None
    rule: str
    detail: str


def read_rows(text: str, fmt: Format) -> list[IngestRow | UnreadableRow]:
    """Every row of the file, read or refused; raises `InvalidInput` for a file with no usable rows."""
    records = _csv_records(text) if fmt == "csv" else _jsonl_records(text)
    rows = [_row(line, record) for line, record in records]
    if not rows:
        raise errors.InvalidInput("The file holds no rows.")
    return rows


def _csv_records(text: str) -> list[tuple[int, dict[str, object] | str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise errors.InvalidInput(f"The file's header lacks the columns {', '.join(missing)}.")
    out: list[tuple[int, dict[str, object] | str]] = []
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line
        out.append((reader.line_num, {k: v for k, v in record.items() if k is not None}))
    return out


def _jsonl_records(text: str) -> list[tuple[int, dict[str, object] | str]]:
    out: list[tuple[int, dict[str, object] | str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            out.append((number, "The line is not JSON."))
            continue
        out.append((number, value if isinstance(value, dict) else "The line is not a JSON object."))
    return out


def _row(line: int, record: dict[str, object] | str) -> IngestRow | UnreadableRow:
    if isinstance(record, str):
        return UnreadableRow(line, None, None, errors.InvalidInput.rule, record)
    row_id, budget = _text(record.get("row_id")), _text(record.get("budget"))
    try:
        if not row_id or not budget:
            raise errors.InvalidInput("A row needs a row_id and a budget.")
        if len(row_id) > MAX_ROW_ID:
            raise errors.InvalidInput(f"A row_id has at most {MAX_ROW_ID} characters.")
        if not row_id.isprintable():
            raise errors.InvalidInput("A row_id holds printable characters only.")
        request = SpendRequest(
            amount=to_money(_text(record.get("amount"))),
            category=_text(record.get("category")),
            provider=_text(record.get("provider")),
            service_date=_date(record.get("service_date")),
            description=_text(record.get("description")),
            units=to_money(_text(record["units"])) if _text(record.get("units")) else None,
            unit=_text(record.get("unit")) or None,
            funding_stream=_text(record.get("funding_stream")) or None,
            provider_id=_text(record.get("provider_id")) or None,
        ).checked()
    except errors.InvalidInput as e:
        return UnreadableRow(line, row_id or None, budget or None, e.rule, e.detail)
    return IngestRow(line, row_id, budget, request)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | float):
        raise errors.InvalidInput("Amounts and texts are written as strings (floats are not exact).")
    return str(value).strip()


def _date(value: object) -> date:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise errors.InvalidInput("service_date is a date written YYYY-MM-DD.") from None
