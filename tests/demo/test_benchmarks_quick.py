"""Each benchmark runs in its quick form and prints its table, so the scripts cannot rot."""

from __future__ import annotations

import re

import psycopg
import pytest

from benchmarks import ingest, load_budget, write_spends
from benchmarks._common import PG_URL


def postgres_answers() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.mark.parametrize("benchmark", [write_spends, load_budget], ids=lambda m: m.__name__.split(".")[-1])
def test_the_quick_benchmark_prints_its_table(benchmark, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    benchmark.main(["--quick"])
    out = capsys.readouterr().out
    assert "| store" in out and "vs raw" in out
    rows = [line for line in out.splitlines() if line.startswith("| sqlite")]
    assert len(rows) >= 2 and all(re.search(r"\d+\.\d+x\s+\|$", row) for row in rows)
    if postgres_answers():
        assert sum(line.startswith("| postgres") for line in out.splitlines()) >= 2


def test_the_quick_ingest_benchmark_prints_its_ratios_against_the_bulk_load(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ingest.main(["--quick", "--store", "sqlite"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| sqlite")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "executemany (baseline)",
        "ledger ingest",
        "ledger ingest, again",
    ]
    assert all(re.search(r"\d+\.\d+x\s+\|$", row) for row in rows)
