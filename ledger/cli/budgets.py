"""`ledger budgets list | show`: budgets and their figures, read from the event store.

Both read the event store, not the balances read model. The command line is used
exactly when the read models may be stale or absent: with the API stopped (so no
projections run in it), before `ledger projections run` has caught up, or while one
is rebuilt. The event store is the truth and is always current, so a budget just
opened or just spent against shows as it is. The price is that `list` loads each
budget it shows (from its latest snapshot), which is fine for an operator's listing
with a `--limit`; the API's paged listing is the place for large reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Annotated
from uuid import UUID

import typer
from eventsourcing.utils import get_topic
from rich.table import Column, Table

from ledger.aggregates.budget import Budget
from ledger.aggregates.events import BudgetOpened
from ledger.aggregates.vocabulary import BudgetStatus
from ledger.cli.context import fail, ledger_service, out, uses_store
from ledger.errors import BudgetNotFound
from ledger.use_cases import LedgerService

app = typer.Typer(help="List budgets and show one's figures.", no_args_is_help=True)
OPENED_TOPIC = get_topic(BudgetOpened)
BATCH = 500
LISTED = ("allocated", "released", "spent", "available")
FIGURES = ("allocated", "scheduled", "released", "spent", "recovered", "available", "unreleased")


def opened_ids(service: LedgerService) -> Iterator[UUID]:
    """Every budget's id, in the order they were opened (only BudgetOpened notifications are read)."""
    start = 0
    while batch := service.recorder.select_notifications(
        start=start, limit=BATCH, topics=[OPENED_TOPIC], inclusive_of_start=False
    ):
        for notification in batch:
            yield UUID(str(notification.originator_id))
        start = batch[-1].id


def budgets(service: LedgerService, reference: str | None) -> Iterator[Budget]:
    """The budget with `reference` (found through its reference claim), else every budget."""
    if reference is None:
        yield from (service.load(budget_id) for budget_id in opened_ids(service))
    elif (budget_id := service.find_by_reference(reference)) is not None:
        yield service.load(budget_id)


def find(service: LedgerService, ref_or_id: str) -> Budget | None:
    """A budget by its reference (the ledger's reference claim) or by its id."""
    budget_id = service.find_by_reference(ref_or_id)
    if budget_id is None:
        try:
            budget_id = UUID(ref_or_id)
        except ValueError:
            return None
    try:
        return service.load(budget_id)
    except BudgetNotFound:
        return None


@app.command("list")
@uses_store
def list_(
    cohort: Annotated[str | None, typer.Option(help="only this cohort")] = None,
    status: Annotated[BudgetStatus | None, typer.Option(help="only budgets in this status")] = None,
    reference: Annotated[str | None, typer.Option(help="only the budget with this reference")] = None,
    family_ref: Annotated[str | None, typer.Option(help="only this family's budgets")] = None,
    limit: Annotated[int, typer.Option(min=1, help="show at most this many")] = 50,
) -> None:
    """Budgets in the order they were opened, with their figures."""
    with ledger_service() as service:
        chosen = islice(
            (
                b
                for b in budgets(service, reference)
                if (cohort is None or b.cohort == cohort)
                and (status is None or b.status == status)
                and (family_ref is None or b.family_ref == family_ref)
            ),
            limit,
        )
        rows = [
            (
                b.reference,
                str(b.id),
                b.family_ref,
                b.status,
                b.management,
                b.cohort or "",
                *(f"{getattr(b, figure):.2f}" for figure in LISTED),
            )
            for b in chosen
        ]
    table = Table("reference", "id", "family", "status", "management", "cohort")
    for figure in LISTED:
        table.add_column(figure, justify="right")
    for row in rows:
        table.add_row(*row)
    out.print(table)


@app.command()
@uses_store
def show(ref_or_id: Annotated[str, typer.Argument(help="the budget's reference or id")]) -> None:
    """One budget: who, when, how it is held, and its figures."""
    with ledger_service() as service:
        budget = find(service, ref_or_id)
    if budget is None:
        raise fail(f"no budget with reference or id {ref_or_id!r}")
    about = Table("", "", title=f"budget {budget.reference}", show_header=False)
    for label, value in (
        ("id", str(budget.id)),
        ("family", budget.family_ref),
        ("period", f"{budget.period_start} to {budget.period_end}"),
        ("status", budget.status),
        ("management", budget.management),
        ("cohort", budget.cohort or ""),
        ("broker", budget.broker_org or ""),
        ("version", str(budget.version)),
        *((figure, f"{getattr(budget, figure):.2f}") for figure in FIGURES),
    ):
        about.add_row(label, value)
    out.print(about)
    if budget.instalments:
        instalments = Table("instalment", Column("amount", justify="right"), "due on", "gated", "status")
        for i in budget.instalments:
            instalments.add_row(
                str(i.number), f"{i.amount:.2f}", str(i.due_on), "yes" if i.gated else "no", i.status
            )
        out.print(instalments)


__all__ = ["app"]
