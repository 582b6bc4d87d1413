"""The month-end rush of issue 13, as a reusable load: many clients, one budget, one-pound spends."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: the issue's probe: 32 clients post 400 one-pound spends to a budget with 300 pounds released
CLIENTS, SPENDS, RELEASED = 32, 400, "300.00"


@dataclass
class Tally:
    """What the clients heard: one answer name per spend attempted ('recorded' or a rule's name)."""

    answers: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: str) -> None:
        with self.lock:
            self.answers[answer] += 1


def rush(spend: Callable[[int], str], clients: int = CLIENTS, spends: int = SPENDS) -> Counter[str]:
    """`clients` threads share `spends` numbered spends; `spend(n)` answers what the ledger said."""
    numbers, tally = itertools.count(), Tally()
    guard = threading.Lock()

    def client() -> None:
        while True:
            with guard:
                n = next(numbers)
            if n >= spends:
                return
            tally.add(spend(n))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.answers


def timed(action: Callable[[], object], until: threading.Event, pause: float = 0.01) -> list[float]:
    """Run `action` again and again until `until` is set; the seconds each run took."""
    took = []
    while not until.is_set():
        start = time.perf_counter()
        action()
        took.append(time.perf_counter() - start)
        time.sleep(pause)
    return took


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"n={len(ms)} p50={statistics.median(ms):.1f}ms max={ms[-1]:.1f}ms"
