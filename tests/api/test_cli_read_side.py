"""`ledger projections status | rebuild` and `ledger envelopes set | list`, on both stores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget


def test_status_shows_lag_and_rebuild_catches_up_into_a_new_generation(run: Any, store_url: str) -> None:
    service = LedgerService(url=store_url)
    try:
        open_funded_budget(service)
        head = service.recorder.max_notification_id()
    finally:
        service.close()
    before = run("projections", "status")
    assert before.exit_code == 0, before.output
    assert f"balances   │ 1          │ 0        │ {head}" in before.stdout
    rebuilt = run("projections", "rebuild", "balances")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "balances: generation 2 is live" in rebuilt.stdout
    read_side = ReadSide(store_url, ["balances"])
    try:
        assert read_side.status(head) == [
            {"name": "balances", "generation": 2, "position": head, "head": head, "lag": 0}
        ]
        items, _ = read_side.view("balances").list_budgets()
        assert [i["balances"]["released"] for i in items] == [Decimal("600.00")]
    finally:
        read_side.stop()


def test_rebuild_refuses_an_unknown_read_model(run: Any) -> None:
    result = run("projections", "rebuild", "nonsense")
    assert result.exit_code != 0
    assert "no read model 'nonsense'" in result.output


def test_envelopes_are_set_and_listed(run: Any) -> None:
    made = run(
        "envelopes",
        "set",
        "--stream",
        "health",
        "--year",
        "2026",
        "--amount",
        "12000.00",
        "--reason",
        "ICB allocation",
    )
    assert made.exit_code == 0, made.output
    assert "envelope health 2026: 12000.00" in made.stdout
    listed = run("envelopes", "list")
    assert "ICB allocation" in listed.stdout and "12000.00" in listed.stdout
    bad = run(
        "envelopes", "set", "--stream", "health", "--year", "2026", "--amount", "1.001", "--reason", "x"
    )
    assert bad.exit_code == 1
    assert "two decimal places" in bad.output
