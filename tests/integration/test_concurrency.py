"""Concurrent writers on one budget: nothing lost, nothing doubled, never overspent.

Threads (and, on PostgreSQL, two application instances standing for two API
processes) race to spend from the same budget. Optimistic concurrency makes the
losers reload and re-check; a caller that still hears `ConcurrentUpdate` retries
with the same idempotency key, exactly as an HTTP client would.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from ledger import errors
from ledger.aggregates.spending import SpendRequest
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.conftest import BROKER, CASEWORKER

THREADS, SPENDS_EACH, AMOUNT = 6, 12, Decimal("5.00")
RELEASED = Decimal("300.00")  # room for 60 of the 72 spends attempted


def spend_until_answered(app: LedgerService, budget_id: object, key: str) -> str:
    request = SpendRequest(AMOUNT, "personal_assistant", "PA Co", date(2026, 6, 1), "race")
    while True:
        try:
            app.record_spend(BROKER, budget_id, request, idempotency_key=key)  # type: ignore[arg-type]
            return "recorded"
        except errors.InsufficientFunds:
            return "refused"
        except errors.ConcurrentUpdate:
            continue  # a clean retry: the same key can never record twice


def race(apps: list[LedgerService], budget_id: object) -> list[str]:
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        app = apps[n % len(apps)]
        for i in range(SPENDS_EACH):
            key = f"t{n}-s{i}"
            answers = [spend_until_answered(app, budget_id, key)]
            answers.append(spend_until_answered(app, budget_id, key))  # a retry of the same request
            with lock:
                outcomes.append(answers[0])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def check(app: LedgerService, budget_id: object, outcomes: list[str]) -> None:
    budget = app.load(budget_id)  # type: ignore[arg-type]
    recorded = outcomes.count("recorded")
    assert recorded == int(RELEASED / AMOUNT)  # every spend that fitted, and no more
    assert len(budget.spends) == recorded  # nothing lost, nothing doubled by the retries
    assert budget.spent == AMOUNT * recorded
    assert budget.available == Decimal("0.00")
    assert budget.version == 4 + recorded  # one event per recorded spend, none for replays


def test_threads_spending_on_one_budget_lose_and_double_nothing(ledger: LedgerService) -> None:
    budget_id = open_funded_budget(ledger, allocated=str(RELEASED), released=str(RELEASED))
    check(ledger, budget_id, race([ledger], budget_id))


def test_two_application_instances_race_like_two_processes(store_url: str) -> None:
    first, second = LedgerService(url=store_url), LedgerService(url=store_url)
    try:
        budget_id = open_funded_budget(first, allocated=str(RELEASED), released=str(RELEASED))
        check(first, budget_id, race([first, second], budget_id))
        assert first.load(budget_id) == second.load(budget_id)
    finally:
        first.close()
        second.close()


def test_a_caseworker_recovery_racing_spends_never_overdraws(ledger: LedgerService) -> None:
    budget_id = open_funded_budget(ledger, allocated=str(RELEASED), released=str(RELEASED))
    recovered: list[bool] = []

    def recover() -> None:
        try:
            ledger.recover_surplus(CASEWORKER, budget_id, Decimal("100.00"), "clawback")
            recovered.append(True)
        except (errors.InsufficientFunds, errors.ConcurrentUpdate):
            recovered.append(False)

    thread = threading.Thread(target=recover)
    thread.start()
    outcomes = race([ledger], budget_id)
    thread.join()
    budget = ledger.load(budget_id)
    assert budget.available >= Decimal("0.00")
    assert budget.spent + budget.recovered + budget.available == RELEASED
    assert budget.spent == AMOUNT * outcomes.count("recorded")
