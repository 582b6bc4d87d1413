"""CSV rendering of query answers (no database)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from ledger.projections.csvout import rows_csv, spending_csv

D = Decimal


def test_spending_groups_render_with_keys_amount_share_then_units_and_unit_costs() -> None:
    result = {
        "groups": [
            {
                "month": "2026-05",
                "category": "personal_assistant",
                "amount": D("600.00"),
                "units": {"hours": D("40.00")},
                "share": D("0.7500"),
                "unit_costs": {"hours": D("15.00")},
            },
            {
                "month": "2026-05",
                "category": "equipment",
                "amount": D("200.00"),
                "units": {},
                "share": D("0.2500"),
                "unit_costs": {},
            },
        ],
        "total": D("800.00"),
    }
    text = spending_csv(result, ["month", "category"])
    assert text == (
        "month,category,amount,share,units_hours,unit_costs_hours\r\n"
        "2026-05,personal_assistant,600.00,0.7500,40.00,15.00\r\n"
        "2026-05,equipment,200.00,0.2500,,\r\n"
    )


def test_cells_are_quoted_nulls_empty_and_formulas_defused() -> None:
    rows: list[dict[str, Any]] = [
        {"cohort": None, "note": 'says "hi", twice', "amount": D("-5.00"), "ok": True},
        {"cohort": '=HYPERLINK("x")', "note": "@sum", "amount": D("0.00"), "ok": False},
    ]
    parsed = list(csv.reader(io.StringIO(rows_csv(rows))))
    assert parsed == [
        ["cohort", "note", "amount", "ok"],
        ["", 'says "hi", twice', "-5.00", "true"],
        ['\'=HYPERLINK("x")', "'@sum", "0.00", "false"],
    ]


def test_no_rows_give_the_header_alone() -> None:
    assert rows_csv([], ["month", "amount"]) == "month,amount\r\n"
