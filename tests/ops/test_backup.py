"""A SQLite backup taken while a real server writes, restored: the chains verify and the read models rebuild.

The backup is one committed moment of the event store: every budget in it is a
prefix of the live budget's history with the same hashes, and the read models
rebuilt from it equal the figures the restored budgets themselves give.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ledger import audit
from ledger.cli import app as cli_app
from ledger.keys import create_key
from ledger.ops.backup import BackupRefused, backup, read_model_files, restore
from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.ops.crashload import Ledgerbook, load
from tests.ops.server import Server


def test_a_backup_taken_under_load_restores_verifies_and_rebuilds_equal(tmp_path: Path) -> None:
    live_url = f"sqlite:///{tmp_path}/live/ledger.db"
    app = LedgerService(url=live_url)
    budgets = [open_funded_budget(app, allocated="5000.00", released="5000.00") for _ in range(3)]
    key = create_key(app, "broker", "backup", "brokerage-a")[1]
    book, stop = Ledgerbook(), threading.Event()
    with Server(live_url) as server:
        clients = threading.Thread(target=load, args=(server.base, key, budgets, book, stop))
        clients.start()
        time.sleep(1.0)
        size = backup(live_url, tmp_path / "ledger.backup.db")  # while the server writes
        time.sleep(0.5)
        stop.set()
        clients.join()
    assert size > 0 and book.acknowledged
    restored_url = f"sqlite:///{tmp_path}/restored/ledger.db"
    restore(tmp_path / "ledger.backup.db", restored_url)
    restored = LedgerService(url=restored_url)
    read_side = ReadSide(restored_url)
    try:
        read_side.start()
        read_side.wait(restored.recorder.max_notification_id(), timeout=30)
        balances = {row["id"]: row for row in read_side.view("balances").list_budgets(limit=100)[0]}
        recorded = 0
        for budget_id in budgets:
            history = list(audit.budget_events(restored, budget_id))
            live_history = list(audit.budget_events(app, budget_id))
            assert audit.verify_chain(history).ok
            assert [e.hash for e in history] == [e.hash for e in live_history[: len(history)]]
            budget = restored.load(budget_id)
            row = balances[str(budget_id)]
            assert row["version"] == budget.version and budget.available >= 0
            assert Decimal(row["balances"]["available"]) == budget.available
            assert Decimal(row["balances"]["spent"]) == budget.spent
            recorded += len(budget.spends)
        assert 0 < recorded <= len(book.acknowledged) + len(book.in_flight)
        print(
            f"\nbackup under load: {size} bytes, {recorded} of {len(book.acknowledged)} acknowledged spends"
        )
    finally:
        read_side.stop()
        restored.close()
        app.close()


def test_restore_refuses_to_overwrite_a_store_and_removes_read_models_when_told(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    app = LedgerService(url=url)
    open_funded_budget(app)
    app.close()
    backup(url, tmp_path / "b.db")
    with pytest.raises(BackupRefused):
        backup(url, tmp_path / "b.db")  # never over an existing file
    with pytest.raises(BackupRefused, match="--replace"):
        restore(tmp_path / "b.db", url)
    (tmp_path / "ledger.balances.g1.db").write_bytes(b"")
    assert read_model_files(tmp_path / "ledger.db") == [tmp_path / "ledger.balances.g1.db"]
    restore(tmp_path / "b.db", url, replace=True)
    assert read_model_files(tmp_path / "ledger.db") == [] and (tmp_path / "b.db").exists()


def test_the_commands_back_up_and_restore_and_point_postgresql_at_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_schema_url: str
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{tmp_path}/ledger.db")
    LedgerService(url=f"sqlite:///{tmp_path}/ledger.db").close()
    made = runner.invoke(cli_app, ["backup", str(tmp_path / "b.db")])
    assert made.exit_code == 0 and "backed up" in made.stdout
    back = runner.invoke(cli_app, ["restore", str(tmp_path / "b.db"), "--replace"])
    assert back.exit_code == 0 and "restored" in back.stdout
    monkeypatch.setenv("LEDGER_DATABASE_URL", pg_schema_url)
    refused = runner.invoke(cli_app, ["backup", str(tmp_path / "pg.db")])
    assert refused.exit_code == 1 and "pg_dump" in refused.stderr
