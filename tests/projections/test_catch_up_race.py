"""A catch-up (`ledger migrate`, a rebuild) racing a live runner on the same tables applies no event twice.

The catch-up computes a batch's writes from the position it last saw. Here a "runner"
(a second view of the same read model and generation, as a new server starting while
`ledger migrate` runs would hold) applies some of the batch's spends one by one after
the batch was computed and before it is applied. Portfolio adds each spend into a
running sum per stream, so a spend applied twice would show there as money spent twice,
not as an error (its budget's own figures are overwritten, and would hide it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.projections.readside import ReadSide, catch_up
from ledger.projections.registry import READ_MODELS
from ledger.use_cases import LedgerService
from tests.builders import a_spend_on, open_funded_budget
from tests.conftest import CASEWORKER

SPENDS = 8


def projection_of(side: ReadSide, name: str) -> Any:
    return READ_MODELS[name].projection_class(side.live(name))(view=side.view(name))


def run_events(ledger: LedgerService, projection: Any, after: int, upto: int) -> list[int]:
    """Apply events (after, upto] one per transaction, as the library's runner does."""
    applied = []
    for notification in ledger.recorder.select_notifications(start=after + 1, limit=upto - after):
        projection.process_event(
            ledger.mapper.to_domain_event(notification), Tracking(ledger.name, notification.id)
        )
        applied.append(notification.id)
    return applied


def test_a_runner_applying_part_of_a_batch_meanwhile_leaves_every_spend_counted_once(  # type: ignore[no-untyped-def]
    store_url, ledger
) -> None:
    budget = open_funded_budget(ledger, allocated="1000.00", released="1000.00")
    funded = ledger.recorder.max_notification_id() or 0
    for day in range(1, SPENDS + 1):
        ledger.record_spend(CASEWORKER, budget, a_spend_on("10.00", "personal_assistant", date(2026, 5, day)))
    head = ledger.recorder.max_notification_id() or 0
    migrating, serving = ReadSide(store_url, ["portfolio"]), ReadSide(store_url, ["portfolio"])
    try:
        catching_up, runner = projection_of(migrating, "portfolio"), projection_of(serving, "portfolio")
        assert catching_up.view is not runner.view
        run_events(ledger, runner, 0, funded)  # both start from the funded budget
        raced: list[int] = []
        writes = catching_up.writes

        def racing_writes(event: Any, tracking: Tracking) -> Any:
            if not raced:  # the batch is being computed: the runner applies half its spends meanwhile
                raced.extend(run_events(ledger, runner, funded, funded + SPENDS // 2))
            return writes(event, tracking)

        catching_up.writes = racing_writes
        catch_up(ledger, catching_up, lambda: head)

        assert len(raced) == SPENDS // 2 and catching_up.view.position() == head
        figures = catching_up.view.portfolio()
        assert figures["spent"] == Decimal("10.00") * SPENDS  # the budget's own figure, overwritten
        by_stream = sum(row["spent"] for row in figures["by_stream"])  # a sum of each spend's amount
        assert by_stream == Decimal("10.00") * SPENDS
    finally:
        migrating.stop()
        serving.stop()
