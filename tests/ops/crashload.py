"""Spends posted to a real server by many clients: what was acknowledged, what was in flight."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import httpx

from ledger import audit
from ledger.aggregates import events as ev
from ledger.use_cases import LedgerService


def spend_body(n: int) -> dict[str, str]:
    return {
        "amount": "1.00",
        "category": "personal_assistant",
        "provider": "PA Co",
        "service_date": "2026-05-02",
        "description": f"crash load {n}",
    }


@dataclass
class Ledgerbook:
    """The clients' own record: key -> (budget, body number), by what the server said."""

    acknowledged: dict[str, tuple[UUID, int]] = field(default_factory=dict)
    in_flight: dict[str, tuple[UUID, int]] = field(default_factory=dict)
    refused: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def load(
    base: str, key: str, budgets: list[UUID], book: Ledgerbook, stop: threading.Event, clients: int = 8
) -> None:
    """`clients` threads post spends until `stop` (or the server dies under them)."""
    numbers = itertools.count()
    auth = {"Authorization": f"Bearer {key}"}

    def client() -> None:
        with httpx.Client(base_url=base, timeout=10) as http:
            while not stop.is_set():
                n = next(numbers)
                budget, idem = budgets[n % len(budgets)], uuid.uuid4().hex
                try:
                    answer = http.post(
                        f"/v1/budgets/{budget}/spends",
                        json=spend_body(n),
                        headers={**auth, "Idempotency-Key": idem},
                    )
                except httpx.HTTPError:
                    with book.lock:
                        book.in_flight[idem] = (budget, n)
                    return
                with book.lock:
                    if answer.status_code == 201:
                        book.acknowledged[idem] = (budget, n)
                    else:
                        book.refused[answer.status_code] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join()


def retry_in_flight(base: str, key: str, book: Ledgerbook) -> None:
    """Send each in-flight spend again with its key and body, as a client after a lost answer would."""
    with httpx.Client(base_url=base, timeout=30) as http:
        for idem, (budget, n) in book.in_flight.items():
            answer = http.post(
                f"/v1/budgets/{budget}/spends",
                json=spend_body(n),
                headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem},
            )
            assert answer.status_code in (200, 201), answer.text


def check_nothing_lost_or_doubled(app: LedgerService, budgets: list[UUID], book: Ledgerbook) -> int:
    """Every acknowledged and retried spend recorded exactly once, balances never negative, chains whole."""
    recorded: Counter[str] = Counter()
    for budget_id in budgets:
        history = list(audit.budget_events(app, budget_id))
        assert audit.verify_chain(history).ok
        for event in history:
            assert event.figures.available >= 0
            if isinstance(event, ev.SpendRecorded):
                recorded[event.spend_id] += 1
    assert all(count == 1 for count in recorded.values()), "a spend was recorded twice"
    for idem, (budget, _) in {**book.acknowledged, **book.in_flight}.items():
        assert recorded[app.spend_id(budget, idem)] == 1, f"spend {idem} was lost"
    assert sum(recorded.values()) == len(book.acknowledged) + len(book.in_flight)
    return sum(recorded.values())
