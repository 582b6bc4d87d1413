"""A rebuild in another process goes live in a running read side without a restart.

The API process's read side keeps answering from the old generation while the
rebuild fills the new one, then follows the pointer within a supervision tick
and keeps the new generation up to date from then on.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from ledger.aggregates.spending import SpendRequest
from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER


def spent_total(side: ReadSide) -> Decimal:
    items, _ = side.view("balances").list_budgets(limit=100)
    return sum((i["balances"]["spent"] for i in items), Decimal("0.00"))


def test_a_running_read_side_follows_a_rebuild_and_keeps_it_current(
    store_url: str, ledger: LedgerService, readside: ReadSide
) -> None:
    budget_id = open_funded_budget(ledger)
    request = SpendRequest(Decimal("40.00"), "equipment", "Shop", date(2026, 5, 1), "bike")
    ledger.record_spend(CASEWORKER, budget_id, request, idempotency_key="a")
    readside.wait(ledger.recorder.max_notification_id())
    assert readside.live("balances") == 1

    other_process = ReadSide(store_url, ["balances"])
    try:
        head = ledger.recorder.max_notification_id() or 0
        generation = other_process.rebuild("balances", head=lambda: head)
    finally:
        other_process.stop()
    assert generation == 2

    deadline = time.monotonic() + 10
    while readside.live("balances") != 2:
        assert time.monotonic() < deadline, "the running read side never switched"
        time.sleep(0.1)
    later = ledger.record_spend(CASEWORKER, budget_id, request, idempotency_key="b")
    readside.wait(later.position, timeout=20)
    assert spent_total(readside) == Decimal("80.00")
    assert readside.status(later.position or 0)[0] == {
        "name": "balances",
        "generation": 2,
        "position": later.position,
        "head": later.position,
        "lag": 0,
    }
