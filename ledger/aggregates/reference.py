"""Budget references are unique: each is claimed by a tiny aggregate whose id derives from it.

Opening a budget saves the Budget and its `BudgetReference` in one transaction;
a second claim of the same reference collides on the event store's primary key,
so uniqueness holds across processes without a lock or a separate table.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid5(NAMESPACE_URL, "https://ledger.invalid/budget-reference")


class BudgetReference(Aggregate):
    @staticmethod
    def create_id(reference: str) -> UUID:
        return reference_id(reference)

    @event("Claimed")
    def __init__(self, reference: str, budget_id: UUID) -> None:
        self.reference = reference
        self.budget_id = budget_id


def reference_id(reference: str) -> UUID:
    return uuid5(NAMESPACE, reference)
