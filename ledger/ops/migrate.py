"""`ledger migrate`: create every table of a store once, before the servers start.

Every table the ledger uses (the event store and its snapshots, each read model's
tables and tracking, the read side's generation pointer) is created the same way
the processes would create it on first use, under the same advisory lock
(`ledger.ops.tables`), so running this while servers start is safe too. It is
idempotent: a second run finds everything there and changes nothing. It also
brings each live read model up to the event store's head, so a read model whose
table shape changed (a new set of tables, see `ledger.projections.registry`) is
full before the new servers answer from it.
"""

from __future__ import annotations

from ledger.projections.readside import ReadSide, catch_up
from ledger.settings import Settings
from ledger.use_cases import LedgerService


def migrate(settings: Settings) -> list[str]:
    """Create every table of `settings`' store; the names of what was made sure of."""
    service = LedgerService(settings=settings)
    try:
        service.text_keys.create()  # the keys of families' free text (ledger.text_keys)
        read_side = ReadSide(settings.url)
        try:
            for model in read_side.models:
                view = read_side.view(model.name)  # opening a view creates its tables and tracking
                projection = model.projection_class(read_side.live(model.name))(view=view)
                catch_up(service, projection, lambda: service.recorder.max_notification_id() or 0)
            return ["events", "snapshots", "text_keys", "generations", *(m.name for m in read_side.models)]
        finally:
            read_side.stop()
    finally:
        service.close()
