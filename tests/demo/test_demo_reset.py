"""`ledger demo --reset`: SQLite files go (after --yes) and a fresh demo loads; PostgreSQL is refused.

The command loads the full cohort after a reset; here `ledger_demo.load_demo` is
narrowed to nine families (every story still plays) so the test takes seconds.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ledger_demo
from ledger.cli import app as cli_app
from ledger.keys import authenticate, create_key
from ledger.projections.readside import ReadSide
from ledger.projections.registry import READ_MODELS, generation_name, view_env
from ledger.use_cases import LedgerService
from ledger_demo.reset import ResetRefused, store_files

SMALL = 9


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(ledger_demo, "load_demo", partial(ledger_demo.load_demo, families=SMALL))

    def invoke(url: str, *args: str) -> Any:
        return CliRunner().invoke(cli_app, ["demo", *args], env={"LEDGER_DATABASE_URL": url})

    return invoke


def used_store(url: str) -> str:
    """Load the small demo, run every read model up to its end, and add an API key; answer the key."""
    service = LedgerService(url=url)
    try:
        ledger_demo.load_demo(service, families=SMALL)
        read_side = ReadSide(url)
        read_side.start()
        try:
            read_side.wait(service.recorder.max_notification_id(), timeout=60)
        finally:
            read_side.stop()
        return create_key(service, "auditor", "made before the reset")[1]
    finally:
        service.close()


def read_model_files(url: str) -> set[Path]:
    """Where the registry puts each read model's first generation (the files a reset must find)."""
    return {
        Path(view_env(url, name, 1)[f"{generation_name(name, 1).upper()}_SQLITE_DBNAME"])
        for name in READ_MODELS
    }


def test_reset_without_yes_removes_nothing_and_says_how_to_confirm(run: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    LedgerService(url=url).close()
    before = sorted(tmp_path.iterdir())
    result = run(url, "--reset")
    assert result.exit_code == 1
    store_line, error_line = result.stderr.strip().splitlines()  # every command names its store first
    assert store_line.startswith("store: ") and error_line.startswith("error: ") and "--yes" in error_line
    assert sorted(tmp_path.iterdir()) == before and before


def test_reset_with_yes_removes_the_store_and_its_read_models_and_loads_a_fresh_demo(
    run: Any, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'data'}/ledger.db"
    secret = used_store(url)
    found = set(store_files(url))
    assert read_model_files(url) | {tmp_path / "data" / "ledger.db"} <= found
    assert tmp_path / "data" / "ledger.readside.db" in found
    (tmp_path / "data" / "notes.txt").write_text("not the store's")

    result = run(url, "--reset", "--yes")

    assert result.exit_code == 0, result.output
    left = {p.name for p in (tmp_path / "data").iterdir()}
    assert left - {"ledger.db", "ledger.db-wal", "ledger.db-shm"} == {"notes.txt"}
    service = LedgerService(url=url)
    try:
        fresh = LedgerService(url=f"sqlite:///{tmp_path}/fresh.db")
        try:
            expected = ledger_demo.load_demo(fresh)["events"]
        finally:
            fresh.close()
        assert service.recorder.max_notification_id() == expected  # the demo alone: no key, no old events
        assert authenticate(service, secret) is None
    finally:
        service.close()


def test_reset_is_refused_on_postgresql_in_one_line_and_nothing_is_touched(
    run: Any, pg_schema_url: str
) -> None:
    service = LedgerService(url=pg_schema_url)
    try:
        create_key(service, "auditor", "must survive")
        before = service.recorder.max_notification_id()
        result = run(pg_schema_url, "--reset", "--yes")
        assert result.exit_code == 1
        store_line, error_line = result.stderr.strip().splitlines()
        assert store_line.startswith("store: ") and "PostgreSQL" in error_line
        assert service.recorder.max_notification_id() == before  # no demo loaded either
    finally:
        service.close()


def test_an_in_memory_store_cannot_be_reset() -> None:
    with pytest.raises(ResetRefused):
        store_files("sqlite:///:memory:")
