"""Tables the ledger makes on first use are made once, however many processes start together.

The access log (with its append-only trigger function), key use and text keys are created by
the first statement that needs them, not by `ledger migrate`; on PostgreSQL each creation takes the
schema's tables lock inside its transaction, so ledgers starting together on a fresh schema take
turns instead of failing on `CREATE OR REPLACE FUNCTION` ("tuple concurrently updated").
"""

from __future__ import annotations

import threading
from uuid import uuid4

from ledger.use_cases import LedgerService

LEDGERS = 6


def test_ledgers_starting_together_on_a_fresh_schema_all_make_their_first_use_tables(
    pg_schema_url: str,
) -> None:
    services = [LedgerService(url=pg_schema_url) for _ in range(LEDGERS)]
    start = threading.Barrier(LEDGERS)
    failures: list[BaseException] = []

    def first_use(service: LedgerService) -> None:
        try:
            start.wait(10)
            service.access_log._create_once()
            service.key_use.last_used()
            service.text_keys.key_for(uuid4(), "FAM-1")
        except BaseException as e:  # reported below, with every other thread's
            failures.append(e)

    threads = [threading.Thread(target=first_use, args=(s,)) for s in services]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert failures == []
        datastore = services[0].recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT count(*) AS n FROM pg_proc WHERE proname = 'access_log_refuse'"
                " AND pronamespace = %s::regnamespace",
                (datastore.schema,),
            )
            assert cursor.fetchone()["n"] == 1
    finally:
        for s in services:
            s.close()
