"""Erasing a family's free text on a lawful request, keeping every amount and the proof.

The family's text was stored sealed (`ledger.sealed_text`) with one key per budget
(`ledger.text_keys`). Erasure destroys those keys first, then records a
`FamilyTextErased` event (who, when, why, how many keys) on each of the family's
budgets, closed ones too. Destroying first means an erasure is never recorded
without being done; a crash between the two leaves the keys destroyed and the
record missing, and the retried request (the same Idempotency-Key is answered
only once a record exists) records it. A second erasure is harmless: it destroys
the keys made since (text written after the first), or none, and is recorded too.

The events change no figure and rewrite nothing, so each budget's chain and the
whole-ledger proof verify as before, against checkpoints made before the erasure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.access import Action, authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.budget import Budget
from ledger.application import Ledger
from ledger.idempotency import Once, records
from ledger.ops.queueing import back_off


@dataclass(frozen=True)
class Erasure:
    family_ref: str
    budgets: list[str]  # the budgets it was recorded on, in id order
    keys_destroyed: int
    erased_at: datetime
    position: int | None  # the log position of its last event


def erase_family_text(
    ledger: Ledger,
    actor: Actor,
    family_ref: str,
    reason: str,
    once: Once | None = None,
) -> Erasure:
    """Destroy `family_ref`'s text keys and record it on each of its budgets.

    The key table names every budget opened (or written to) since text was sealed,
    at once, with no read model to wait for; a family with none is a 404.
    """
    authorize(actor, Action.ERASE_FAMILY_TEXT)
    require_text("reason", reason)
    if once:
        once.check(ledger.repository)
    ids = sorted(ledger.text_keys.budgets_of(family_ref))
    if not _budgets(ledger, ids, family_ref):
        raise errors.FamilyNotFound(f"no budget has the family reference {family_ref!r}")
    at = datetime.now(UTC)
    destroyed = ledger.text_keys.destroy(family_ref, at)
    for attempt in range(ledger.max_attempts):
        budgets = _budgets(ledger, ids, family_ref)
        for budget in budgets:
            budget.record_text_erasure(actor, reason, destroyed.get(str(budget.id), 0))
        erasure = Erasure(family_ref, [str(b.id) for b in budgets], sum(destroyed.values()), at, None)
        try:
            recordings = ledger.save(*budgets, *records(once, None, erasure))
        except IntegrityError:
            back_off(attempt)
            continue
        return Erasure(**{**vars(erasure), "position": recordings[-1].notification.id})
    raise errors.ConcurrentUpdate(f"the budgets of family {family_ref} kept changing; try again")


def _budgets(ledger: Ledger, ids: list[str], family_ref: str) -> list[Budget]:
    found = []
    for budget_id in ids:
        try:
            budget = ledger.load(UUID(budget_id))
        except errors.BudgetNotFound:
            continue  # a key made for a budget whose opening then failed
        if budget.family_ref == family_ref:
            found.append(budget)
    return found
