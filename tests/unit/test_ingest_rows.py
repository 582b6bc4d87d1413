"""Reading a month-end file: each row read or refused on its own; the file refused only when unusable."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ledger import errors
from ledger.ingest import IngestRow, read_rows
from ledger.ingest.rows import UnreadableRow

HEADER = "row_id,budget,amount,category,provider,service_date,description,units,unit,funding_stream\n"


def test_a_csv_row_becomes_a_checked_spend_request_with_its_line() -> None:
    rows = read_rows(HEADER + "r1,BH-1,45.50,personal_assistant,PA-17,2026-05-02,card,3,hours,\n", "csv")
    assert len(rows) == 1 and isinstance(rows[0], IngestRow)
    row = rows[0]
    assert (row.line, row.row_id, row.budget) == (2, "r1", "BH-1")
    assert row.request.amount == Decimal("45.50") and row.request.units == Decimal("3.00")
    assert row.request.service_date == date(2026, 5, 2) and row.request.funding_stream is None


def test_each_bad_row_is_refused_alone_with_its_rule_and_the_rest_are_read() -> None:
    text = HEADER + "\n".join(
        [
            "ok,BH-1,10.00,outreach,P,2026-05-02,x,,,",
            "float,BH-1,10.001,outreach,P,2026-05-02,x,,,",
            "cat,BH-1,10.00,casino,P,2026-05-02,x,,,",
            "day,BH-1,10.00,outreach,P,02/05/2026,x,,,",
            ",BH-1,10.00,outreach,P,2026-05-02,x,,,",
            "units,BH-1,10.00,outreach,P,2026-05-02,x,3,,",
        ]
    )
    rows = read_rows(text, "csv")
    assert [type(r).__name__ for r in rows] == ["IngestRow"] + ["UnreadableRow"] * 5
    refused = [r for r in rows if isinstance(r, UnreadableRow)]
    assert [r.rule for r in refused] == [
        "invalid-amount",
        "invalid-choice",
        "invalid-input",
        "invalid-input",
        "invalid-input",
    ]
    assert [r.line for r in refused] == [3, 4, 5, 6, 7]
    assert all(r.detail for r in refused)


def test_json_lines_refuse_numbers_written_as_floats_and_lines_that_are_not_objects() -> None:
    good = {
        "row_id": "j1",
        "budget": "BH-1",
        "amount": "12.00",
        "category": "transport",
        "provider": "taxi",
        "service_date": "2026-06-01",
        "description": "to club",
    }
    text = "\n".join([json.dumps(good), json.dumps({**good, "row_id": "j2", "amount": 12.5}), "[1]", "{"])
    rows = read_rows(text + "\n\n", "jsonl")
    assert isinstance(rows[0], IngestRow)
    assert [(r.line, r.rule) for r in rows[1:] if isinstance(r, UnreadableRow)] == [
        (2, "invalid-input"),
        (3, "invalid-input"),
        (4, "invalid-input"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", HEADER, "row_id,budget,amount\nr1,BH-1,1.00\n"],
    ids=["empty", "blank lines", "header only", "columns missing"],
)
def test_a_file_without_usable_rows_or_header_is_refused_whole(text: str) -> None:
    with pytest.raises(errors.InvalidInput):
        read_rows(text, "csv")


def test_a_row_id_with_control_characters_is_refused() -> None:
    rows = read_rows(HEADER + "r\x1b1,BH-1,10.00,outreach,P,2026-05-02,x,,,\n", "csv")
    assert isinstance(rows[0], UnreadableRow) and rows[0].rule == "invalid-input"
