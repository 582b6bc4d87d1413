"""Read tables keep money as integer pence (exact in SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ledger.money import PENNY


def to_pence(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def from_pence(pence: int | None) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(PENNY)


def unit_costs(units: Mapping[str, int], costs: Mapping[str, int]) -> dict[str, Decimal]:
    """Cost per unit for each unit (hours, nights...), to the penny: pence of the spends that gave
    units over the units, both summed in pence so the division is exact until it is rounded."""
    return {
        unit: (Decimal(costs[unit]) / Decimal(units[unit])).quantize(PENNY, ROUND_HALF_UP)
        for unit in sorted(units)
    }
