"""CSV for the `text/csv` answers: a header row, then one row per group or entry.

Nested mappings are flattened into one column per inner key, named
`outer_inner` (`units_hours`, `unit_costs_nights`); the columns are the union of
every row's keys in order of first appearance, so a unit that only some groups
have still gets its column (empty where absent). Amounts are `Decimal`s and are
written as they are (`"600.00"`), shares with their four places; None is empty.
Text that a spreadsheet would take for a formula gets a leading `'`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update({f"{key}_{inner}": v for inner, v in flatten(value).items()})
        else:
            flat[key] = value
    return flat


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    text = str(value)
    # a text cell a spreadsheet would run as a formula (a cohort named "=HYPERLINK(...)") is defused
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def rows_csv(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> str:
    """Render `rows` (dicts) as CSV text with a header row; `columns` fixes the leading order."""
    flat = [flatten(r) for r in rows]
    header = list(columns or [])
    for row in flat:
        header += [k for k in row if k not in header]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(row.get(k)) for k in header] for row in flat)
    return out.getvalue()


def spending_csv(result: Mapping[str, Any], group_by: list[str]) -> str:
    """The groups of a `spending()` answer: the grouping keys, amount, share, then units and unit costs."""
    return rows_csv(result["groups"], [*group_by, "amount", "share"])
