"""Fixtures for the read models: a running read side on the same store as the `ledger` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from ledger.aggregates.spending import SpendRequest
from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER, open_budget


@pytest.fixture
def readside(store_url: str, ledger: LedgerService) -> Iterator[ReadSide]:
    """Every read model running on the store of `ledger`; stopped when the test ends."""
    side = ReadSide(store_url)
    side.start()
    try:
        yield side
    finally:
        side.stop()


def settled(side: ReadSide, app: LedgerService, name: str) -> Any:
    """The live view of read model `name`, once it has applied everything in the store."""
    side.wait(app.recorder.max_notification_id(), timeout=20)
    return side.view(name)


def spend(
    amount: str,
    category: str,
    on: date,
    units: str | None = None,
    unit: str | None = None,
    stream: str | None = None,
) -> SpendRequest:
    return SpendRequest(
        Decimal(amount),
        category,
        "Provider Ltd",
        on,
        "support",
        Decimal(units) if units else None,
        unit,
        stream,
    )


def budget_with(
    app: LedgerService, amounts: dict[str, str], release: str | None = None, **fields: Any
) -> UUID:
    """An active budget with `amounts` per stream and one released ungated instalment of `release`."""
    budget_id = open_budget(app, **fields)
    app.decide_allocation(CASEWORKER, budget_id, {s: Decimal(a) for s, a in amounts.items()}, "test")
    if release:
        app.schedule_instalment(CASEWORKER, budget_id, Decimal(release), date(2026, 4, 1), False)
        app.release_instalment(CASEWORKER, budget_id, 1)
    return budget_id
