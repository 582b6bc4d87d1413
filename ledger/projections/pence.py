"""Read tables keep money as integer pence (exact in SQLite and PostgreSQL alike)."""

from __future__ import annotations

from decimal import Decimal

from ledger.money import PENNY


def to_pence(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def from_pence(pence: int | None) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(PENNY)
