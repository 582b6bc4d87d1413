"""The Budget aggregate: one family's individual budget for one child and one period.

Assembled from the command groups so each stays small: allocation and
instalments (on top of the decision pathway, `ledger.aggregates.planning`),
spending and trials, casework. State and guards live in
`ledger.aggregates.base`; events and how they apply in `ledger.aggregates.events`.
"""

from __future__ import annotations

from ledger.aggregates.allocation import AllocationCommands
from ledger.aggregates.casework import CaseworkCommands
from ledger.aggregates.commitments import CommitmentCommands
from ledger.aggregates.spending import SpendRequest


class Budget(AllocationCommands, CommitmentCommands, CaseworkCommands):
    # CommitmentCommands carries SpendingCommands (a commitment's payment is a spend)
    """A family's individual budget, rebuilt from its events."""


__all__ = ["Budget", "SpendRequest"]
