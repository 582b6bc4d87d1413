"""The budgets as this process last saved them: where a command starts, with no read of the store.

The library's aggregate cache brings a cached budget up to date before each use
(fast-forward: one query for the events stored since), so that a budget another
process wrote is never acted on stale. A writer can skip that query and still
never act on a stale budget, because a save proves what it started from: events
are numbered per budget with no gaps and the store refuses a second event with
the same number, so a save from a budget at version v succeeds only if the store
held nothing past v, that is only if the budget was current. So `Ledger.change`
starts each command from a copy of the budget it saved last and

- keeps the result when the save succeeds (the copy was current);
- on a conflicting save, forgets the copy and decides again on a budget loaded
  from the store, at once and without counting an attempt (the copy was stale,
  no race was lost);
- when the command is refused, or does nothing, on the copy, decides again on a
  budget loaded from the store: a refusal or a no-op saves nothing, so it proves
  nothing about the copy, and another process's write (a release of funds, say)
  could change the answer.

Any save forgets the budgets it writes (`Ledger._record`; `change` keeps its
budget again once saved), so a save made here outside `change` (erasure, batch
ingest) leaves no outdated copy. A budget once found written by another process
(its fresh load newer than the copy decided on, after a conflict, a refusal or a
no-op; a conflict on something else, an idempotency record, proves nothing) is
not kept again:
with several server processes taking turns on the same budgets a copy would be
stale about every other time, and a conflict (a failed insert, its rollback, a
reload) costs more than the fast-forward query it saves. Those budgets load as
the library loads them; the set is bounded like the copies.

Reads never see these copies: they go through the library's cache, brought up to
date as before. Only writers of a budget touch its entry, and they queue per
budget (`ledger.ops.queueing`), so an entry is never read while being replaced.
"""

from __future__ import annotations

import contextlib
from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import LRUCache


class WrittenBudgets:
    """At most `maxsize` budgets as last saved by this process (none with `maxsize` 0)."""

    def __init__(self, maxsize: int) -> None:
        self._on = maxsize > 0
        self._cache: LRUCache[UUID, Any] = LRUCache(maxsize=max(maxsize, 1))
        self._shared: LRUCache[UUID, bool] = LRUCache(maxsize=max(maxsize, 1))

    def copy(self, budget_id: UUID) -> Any | None:
        """A copy of the budget as last saved here, to run a command on; None if not kept."""
        try:
            return deepcopy(self._cache.get(budget_id)) if self._on else None  # shares items (BudgetBase)
        except KeyError:
            return None

    def keep(self, budget: Any) -> None:
        """`budget`, just saved: the next command starts from a copy of it."""
        if not self._on:
            return
        try:
            self._shared.get(budget.id)
        except KeyError:
            self._cache.put(budget.id, budget)

    def stale(self, budget_id: UUID) -> None:
        """`budget_id` was found written elsewhere since its copy: it is not kept again."""
        self.forget(budget_id)
        if self._on:
            self._shared.put(budget_id, True)

    def forget(self, budget_id: UUID) -> None:
        with contextlib.suppress(KeyError):
            self._cache.get(budget_id, evict=True)
