"""`python -m benchmarks --quick` runs each measurement at a tiny size and writes its JSON: it cannot rot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest

from benchmarks.__main__ import main
from benchmarks._common import PG_URL
from tests.conftest import IN_CI

SQLITE_SECTIONS = {
    "write_spends",
    "spend_history",
    "load_budget",
    "ingest",
    "read_at_scale.rebuild",
    "read_at_scale.routes",
    "server_memory",
}


def postgres_answers() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def ratios(section: dict[str, object]) -> list[str]:
    return [str(row[-1]) for row in section["rows"]]  # type: ignore[attr-defined,index]


def test_the_quick_suite_prints_its_tables_and_writes_every_ratio_to_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "latest.json"
    assert main(["--quick", "--store", "sqlite", "--json", str(results)]) == 0
    out = capsys.readouterr().out
    document = json.loads(results.read_text())
    sections = {s["name"]: s for s in document["sections"]}
    assert set(sections) == SQLITE_SECTIONS
    for section in sections.values():
        assert section["rows"] and section["title"] in out
        assert all(re.fullmatch(r"\d+(\.\d+)?x", ratio) for ratio in ratios(section)), section["name"]
    assert {row[1] for row in sections["spend_history"]["rows"]} >= {"cache off"}
    memory = sections["server_memory"]["rows"]
    assert [row[1] for row in memory] == ["2,000", "20,000"] and memory[0][-1] == "1.00x"
    assert all(row[5] == 0 for row in memory)  # every spend and read answered 2xx
    assert len(document["machine_at_start"]["load_average_1_5_15"]) == 3


@pytest.mark.skipif(not IN_CI and not postgres_answers(), reason="PostgreSQL does not answer")
def test_the_quick_http_measurement_serves_both_routes_without_a_refusal(tmp_path: Path) -> None:
    results = tmp_path / "http.json"
    assert main(["--quick", "--store", "postgres", "--only", "http_load", "--json", str(results)]) == 0
    (section,) = json.loads(results.read_text())["sections"]
    rows = section["rows"]
    assert [(row[0], row[1]) for row in rows] == [
        ("bare route (baseline)", 1),
        ("ledger", 1),
        ("bare route (baseline)", 2),
        ("ledger", 2),
    ]
    assert all(row[5] == 0 for row in rows)  # every answer 2xx: no spurious concurrent-update
