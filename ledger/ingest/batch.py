"""Apply a month-end file: every row checked by its budget's own rules, each recorded once.

Rows are grouped by budget in file order. Each budget is loaded once and its
text key looked up once, its rows run through `record_spend` one by one (a refused row records nothing and the
next row sees the budget as it was), and the budgets' new events are saved
together, many budgets per transaction. A row's spend id derives from its
`row_id`, so running the same file again records nothing and reports each row
as already recorded. A budget's rows are saved all or none: if another writer
changed the budget meanwhile, its rows are run again on the fresh budget.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID, uuid5

from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.access import Action, is_scoped
from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.aggregates.provider import Standing
from ledger.application import Ledger
from ledger.ingest.rows import IngestRow, UnreadableRow
from ledger.providers import standing_of

Result = Literal["recorded", "already_recorded", "refused"]
#: budgets saved per transaction: large enough to share commits, small enough to retry cheaply
BUDGETS_PER_SAVE = 50


@dataclass(frozen=True)
class RowResult:
    line: int
    row_id: str | None
    budget: str | None
    result: Result
    spend_id: str | None = None
    rule: str | None = None
    detail: str | None = None


@dataclass
class IngestReport:
    rows: list[RowResult] = field(default_factory=list)
    position: int | None = None  # the log position of the last event written, for read-your-writes

    def count(self, result: Result) -> int:
        return sum(1 for r in self.rows if r.result == result)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "recorded": self.count("recorded"),
            "already_recorded": self.count("already_recorded"),
            "refused": self.count("refused"),
        }


def ingest(ledger: Ledger, actor: Actor, rows: Sequence[IngestRow | UnreadableRow]) -> IngestReport:
    """Check and record every row; the report lists each row's result in file order."""
    results: dict[int, RowResult] = {}
    by_budget: dict[UUID, list[IngestRow]] = {}
    lookups = Lookups(ledger)
    for row in rows:
        if isinstance(row, UnreadableRow):
            results[row.line] = RowResult(
                row.line, row.row_id, row.budget, "refused", rule=row.rule, detail=row.detail
            )
            continue
        budget_id = lookups.budget_id(row.budget)
        if budget_id is None:
            results[row.line] = _refused(row, _unknown(actor))
            continue
        by_budget.setdefault(budget_id, []).append(row)
    report = IngestReport()
    ids = list(by_budget)
    for start in range(0, len(ids), BUDGETS_PER_SAVE):
        chunk = {budget_id: by_budget[budget_id] for budget_id in ids[start : start + BUDGETS_PER_SAVE]}
        position = _save_chunk(lookups, actor, chunk, results)
        report.position = position or report.position
    report.rows = [results[line] for line in sorted(results)]
    return report


def _save_chunk(
    lookups: Lookups, actor: Actor, chunk: dict[UUID, list[IngestRow]], results: dict[int, RowResult]
) -> int | None:
    """Run a chunk's budgets and save them in one transaction; on a lost race, budget by budget."""
    ledger = lookups.ledger
    applied = {budget_id: _apply(lookups, actor, budget_id, rows) for budget_id, rows in chunk.items()}
    changed = [budget for budget, _ in applied.values() if budget is not None and budget.pending_events]
    try:
        recordings = ledger.save(*changed) if changed else []
    except IntegrityError:
        position = None
        for budget_id, rows in chunk.items():
            position = _save_one(lookups, actor, budget_id, rows, results) or position
        return position
    for _, row_results in applied.values():
        results.update({r.line: r for r in row_results})
    return recordings[-1].notification.id if recordings else None


def _save_one(
    lookups: Lookups, actor: Actor, budget_id: UUID, rows: list[IngestRow], results: dict[int, RowResult]
) -> int | None:
    ledger = lookups.ledger
    for attempt in range(ledger.max_attempts):
        budget, row_results = _apply(lookups, actor, budget_id, rows)
        try:
            recordings = ledger.save(budget) if budget is not None and budget.pending_events else []
        except IntegrityError:
            time.sleep(random.uniform(0, 0.002 * 2**attempt))
            continue
        results.update({r.line: r for r in row_results})
        return recordings[-1].notification.id if recordings else None
    conflict = errors.ConcurrentUpdate(f"Budget {budget_id} kept changing; run the file again.")
    results.update({row.line: _refused(row, conflict) for row in rows})
    return None


def _apply(
    lookups: Lookups, actor: Actor, budget_id: UUID, rows: Iterable[IngestRow]
) -> tuple[Budget | None, list[RowResult]]:
    """The budget with the rows' spends pending, and each row's result."""
    ledger = lookups.ledger
    try:
        budget = ledger._authorised(actor, budget_id, Action.SPEND)  # a write: not logged as a read
    except (errors.Forbidden, errors.NotFound):
        return None, [_refused(row, _unknown(actor)) for row in rows]
    out: list[RowResult] = []
    sealer = ledger.sealer(budget)  # the budget's key, looked up once for all its rows
    for row in rows:
        spend_id = str(uuid5(budget_id, f"ingest/{row.row_id}"))
        known = spend_id in budget.spends
        try:
            budget.record_spend(
                actor,
                spend_id,
                ledger.sealed_request(budget, row.request, sealer),
                lookups.standing(row.request.provider_id),
            )
        except errors.LedgerError as e:
            out.append(_refused(row, e))
            continue
        result: Result = "already_recorded" if known else "recorded"
        out.append(RowResult(row.line, row.row_id, row.budget, result, spend_id))
    return budget, out


class Lookups:
    """What a file's rows name besides their budget, each asked of the store once per file.

    A council reference and a provider's standing as they stood when the file was read.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._references: dict[str, UUID | None] = {}
        self._standings: dict[str | None, Standing | None] = {}

    def budget_id(self, budget: str) -> UUID | None:
        try:
            return UUID(budget)
        except ValueError:
            if budget not in self._references:
                self._references[budget] = self.ledger.find_by_reference(budget)
            return self._references[budget]

    def standing(self, provider_id: str | None) -> Standing | None:
        if provider_id not in self._standings:
            self._standings[provider_id] = standing_of(self.ledger, provider_id)
        return self._standings[provider_id]


def _unknown(actor: Actor) -> errors.LedgerError:
    """A broker or family hears the same words for an unknown budget and one outside its scope."""
    if is_scoped(actor):
        return errors.Forbidden(
            f"No budget by that id or reference that this {actor.role} key may spend from."
        )
    return errors.BudgetNotFound("No budget has that id or reference.")


def _refused(row: IngestRow | UnreadableRow, error: errors.LedgerError) -> RowResult:
    return RowResult(row.line, row.row_id, row.budget, "refused", None, error.rule, error.detail)
