"""A month-end rush on one budget: every spend succeeds or is refused for a rule, never for contention.

The issue's probe, at the application service (the API adds only parsing): 32
clients post 400 one-pound spends to one budget with 300 pounds released. With
writers of a budget queued inside the process, exactly 300 are recorded and 100
refused `insufficient-funds`; `concurrent-update` never appears. Two application
instances on one store stand for two processes: they race across the queue and
the bounded retries absorb it. Another budget's writes keep flowing meanwhile.
"""

from __future__ import annotations

import statistics
import threading
from decimal import Decimal
from uuid import UUID

from ledger import errors
from ledger.ops.queueing import KeyedQueue
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget
from tests.conftest import BROKER
from tests.ops.load import RELEASED, SPENDS, rush, summary, timed

#: the measured bound on another budget's writes while one is saturated is a few tens of ms;
#: the test's bound is generous for a shared 2-core machine
OTHER_BUDGET_BOUND_SECONDS = (
    2.0  # 1.16 s and 1.24 s seen once each under a full 4-worker suite; the median bound below holds
)


def spender(apps: list[LedgerService], budget_id: UUID):  # type: ignore[no-untyped-def]
    def spend(n: int) -> str:
        try:
            apps[n % len(apps)].record_spend(BROKER, budget_id, a_spend("1.00"), idempotency_key=f"rush-{n}")
        except errors.RuleBroken as e:
            return e.rule
        return "recorded"

    return spend


def assert_the_rush_split_by_the_rules(answers: dict[str, int], app: LedgerService, budget_id: UUID) -> None:
    assert answers == {"recorded": 300, "insufficient-funds": SPENDS - 300}
    budget = app.load(budget_id)
    assert len(budget.spends) == 300
    assert budget.available == Decimal("0.00")


def test_two_instances_on_one_store_race_only_each_other_and_retry_within_the_bound(store_url: str) -> None:
    first, second = LedgerService(url=store_url), LedgerService(url=store_url)
    try:
        budget_id = open_funded_budget(first, allocated=RELEASED, released=RELEASED)
        answers = rush(spender([first, second], budget_id))
        assert_the_rush_split_by_the_rules(answers, first, budget_id)
        assert first.load(budget_id) == second.load(budget_id)
    finally:
        first.close()
        second.close()


def test_a_rush_on_one_budget_splits_by_rule_and_holds_up_no_other_budget(ledger: LedgerService) -> None:
    busy = open_funded_budget(ledger, allocated=RELEASED, released=RELEASED)
    quiet = open_funded_budget(ledger, allocated="5000.00", released="5000.00")
    done = threading.Event()
    took: list[float] = []

    def measure() -> None:
        took.extend(timed(lambda: ledger.record_spend(BROKER, quiet, a_spend("1.00")), done))

    thread = threading.Thread(target=measure)
    thread.start()
    try:
        answers = rush(spender([ledger], busy))
    finally:
        done.set()
        thread.join()
    print(f"\nanother budget's spends during the rush ({ledger.url.split(':')[0]}): {summary(took)}")
    assert_the_rush_split_by_the_rules(answers, ledger, busy)
    assert len(ledger.writers) == 0  # the queues of a quiet budget are gone
    assert took and max(took) < OTHER_BUDGET_BOUND_SECONDS
    assert statistics.median(took) < OTHER_BUDGET_BOUND_SECONDS / 4


def test_the_queue_serves_one_key_at_a_time_in_arrival_order() -> None:
    queue, order, inside = KeyedQueue(), [], []
    gate = threading.Event()

    def holder() -> None:
        with queue.turn("b"):
            gate.wait()

    def waiter(n: int) -> None:
        with queue.turn("b"):
            inside.append(n)
            assert len(inside) == 1
            order.append(n)
            inside.pop()

    first = threading.Thread(target=holder)
    first.start()
    threads = []
    for n in range(8):
        thread = threading.Thread(target=waiter, args=(n,))
        thread.start()
        threads.append(thread)
        while queue._queues["b"].users < n + 2:  # wait until it is queued, so arrival order is known
            pass
    with queue.turn("other"):  # another key never waits on "b"
        pass
    gate.set()
    for thread in [first, *threads]:
        thread.join()
    assert order == list(range(8))
    assert len(queue) == 0
