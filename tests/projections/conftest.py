"""Fixtures for the read models: a running read side on the same store as the `ledger` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService


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
