"""SIGKILL a real `ledger serve` under load: nothing acknowledged is lost, nothing doubled, chains verify.

Each round starts the server on the same store, lets 8 clients post spends for a
moment, and kills it with SIGKILL mid-flight. Spends whose answer never came are
sent again afterwards with the same Idempotency-Key, as a client would. Then
every acknowledged or retried spend is recorded exactly once, no balance ever
went negative, every budget's chain verifies, and the read models catch up.
CI runs 2 rounds per store; `LEDGER_CRASH_ROUNDS=20` is the soak.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time

from ledger.keys import create_key
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.ops.crashload import Ledgerbook, check_nothing_lost_or_doubled, load, retry_in_flight
from tests.ops.server import Server

ROUNDS = int(os.environ.get("LEDGER_CRASH_ROUNDS", "2"))


def test_sigkill_under_load_loses_and_doubles_nothing(store_url: str) -> None:
    app = LedgerService(url=store_url)
    budgets = [open_funded_budget(app, allocated="5000.00", released="5000.00") for _ in range(3)]
    key = create_key(app, "broker", "crash", "brokerage-a")[1]
    app.close()
    book = Ledgerbook()
    for _ in range(ROUNDS):
        server = Server(store_url).start()
        stop = threading.Event()
        clients = threading.Thread(target=load, args=(server.base, key, budgets, book, stop))
        clients.start()
        time.sleep(random.uniform(1.0, 2.0))
        server.kill(signal.SIGKILL)
        stop.set()
        clients.join()
    with Server(store_url) as server:
        retry_in_flight(server.base, key, book)
        server.wait_ready()
    app = LedgerService(url=store_url)
    try:
        checked = check_nothing_lost_or_doubled(app, budgets, book)
    finally:
        app.close()
    print(
        f"\n{ROUNDS} SIGKILL rounds on {store_url.split(':')[0]}: {len(book.acknowledged)} acknowledged, "
        f"{len(book.in_flight)} in flight and retried, {checked} spends checked, refused {dict(book.refused)}"
    )
    assert book.acknowledged and not book.refused
