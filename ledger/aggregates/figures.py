"""What a budget's rules made of it: the figures every Budget event carries after it applies.

The aggregate computes them once, with its own rules, and stamps them on the
event it records (`BudgetBase.figures`). Read models, statements and the dispute
pack copy them; none recomputes available funds or the gate. So a rule changed
in the aggregate reaches every reader without an edit there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from ledger.aggregates.vocabulary import BudgetStatus, ReturnStatus
from ledger.money import ZERO


@dataclass(frozen=True)
class Figures:
    """The budget after an event: its status, its money, and which instalments wait at the gate."""

    status: BudgetStatus
    allocated: Decimal
    scheduled: Decimal
    released: Decimal
    spent: Decimal
    recovered: Decimal
    available: Decimal
    unreleased: Decimal
    #: gated instalments, still scheduled, that the gate would refuse to release now
    waiting_at_gate: list[int]
    #: the status of the newest monitoring return submitted since the last release, if any
    gate_return_status: ReturnStatus | None
    #: issue 10: the scheme's overnight thresholds the child is within warning distance of, or past:
    #: [{per, month, threshold, counted, past}] (None: the scheme sets no thresholds)
    nights_warnings: list[dict[str, Any]] | None = None
    #: what open commitments hold (None: the scheme takes no commitments); `available` is net of it
    committed: Decimal | None = None

    #: figures added after events were stored: left out of the hash and the stored data while None
    later_fields: ClassVar[frozenset[str]] = frozenset({"nights_warnings", "committed"})


def days_overdue(due_on: date, today: date) -> int | None:
    """How late an instalment waiting at the gate is: overdue from its due date on (0 that day)."""
    return (today - due_on).days if due_on <= today else None


#: what an event holds until `BudgetBase.record` seals it with the figures after it
UNSEALED = Figures(BudgetStatus.OPEN, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, [], None)
