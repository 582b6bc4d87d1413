"""Writers of one budget queue first-come-first-served inside a process.

Optimistic concurrency alone makes writers of a busy budget race: each loads,
decides and loses the save to another, and after a few rounds gives up with
`concurrent-update` although the money was there. A lock per budget, taken
before the load, turns that race into a queue: inside one process only one
command per budget loads and saves at a time, in arrival order, so a save only
loses to another *process*. Waiters hold no database connection. Writers of
other budgets never wait on it.

The lock is a ticket lock (`threading.Lock` promises no order), and entries are
dropped when their last holder leaves, so the table stays as small as the
number of budgets being written right now.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from ledger.ops.metrics import CONTENTION_RETRIES

P = ParamSpec("P")
R = TypeVar("R")


class _Queue:
    __slots__ = ("busy", "users", "waiting")

    def __init__(self) -> None:
        self.busy = False
        self.users = 0
        self.waiting: deque[threading.Event] = deque()


class KeyedQueue:
    """`with queue.turn(key):` runs its body alone among callers with the same key, in arrival order."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._queues: dict[Hashable, _Queue] = {}

    @contextmanager
    def turn(self, key: Hashable) -> Iterator[None]:
        ticket = self._arrive(key)
        if ticket is not None:
            ticket.wait()
        try:
            yield
        finally:
            self._leave(key)

    def _arrive(self, key: Hashable) -> threading.Event | None:
        with self._guard:
            queue = self._queues.setdefault(key, _Queue())
            queue.users += 1
            if not queue.busy:
                queue.busy = True
                return None
            ticket = threading.Event()
            queue.waiting.append(ticket)
            return ticket

    def _leave(self, key: Hashable) -> None:
        with self._guard:
            queue = self._queues[key]
            queue.users -= 1
            if queue.waiting:
                queue.waiting.popleft().set()  # the turn passes straight on: busy stays True
            else:
                queue.busy = False
            if queue.users == 0:
                del self._queues[key]

    def __len__(self) -> int:
        with self._guard:
            return len(self._queues)


def queued_by_budget(method: Callable[P, R]) -> Callable[P, R]:
    """Run `Ledger.change(self, actor, action, budget_id, ...)` in `budget_id`'s queue (`self.writers`)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        owner, budget_id = args[0], args[3]
        with owner.writers.turn(budget_id):  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


#: a lost cross-process race waits a random time up to BASE * 2**attempt, at most CAP: short,
#: because the winner's process goes straight on to its next queued writer, and a loser
#: that sleeps long only loses again (one save cycle is a few milliseconds)
BACKOFF_BASE_SECONDS = 0.001
BACKOFF_CAP_SECONDS = 0.05


def back_off(attempt: int) -> float:
    """Sleep a jittered, bounded while before retry `attempt` (0-based); returns the time slept.

    Full jitter, so two processes that collided do not collide again in step. Each
    retry is about an even race against the other process, so the bound is many
    attempts (`Settings.max_attempts`, 40) of short sleeps: at most about 1.8 s of
    sleeping in all, well inside a client's patience.
    """
    CONTENTION_RETRIES.inc()
    delay = random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))
    time.sleep(delay)
    return delay
