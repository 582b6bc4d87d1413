"""Limits on abuse: a rate per key, and a pause for a client that keeps failing to authenticate.

Both are kept in this process's memory (a deployment with several workers limits
each worker separately: the figures are per process). Both answer 429 problem+json
with `Retry-After` in whole seconds.

- **Per key**: a token bucket of `rate_limit_burst` requests refilled at
  `rate_limit_per_second`; generous by default (a burst of 1,200, then 120 a second),
  so people and the tests never meet it but a runaway script does.
- **Failed authentication**: `auth_failures_allowed` failures from one client address
  within `auth_failure_window` seconds lock that client out for `auth_lockout` seconds,
  whatever key it sends meanwhile, so guessing cannot tell a right key from a wrong one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException

from ledger.settings import Settings


class TooManyRequests(HTTPException):
    """429 with `Retry-After`; `api.errors` answers it as the `too-many-requests` problem."""

    def __init__(self, detail: str, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(429, detail, headers={"Retry-After": str(seconds)})


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class Limits:
    """The limiter of one API process; `clock` is monotonic seconds (tests move it)."""

    burst: int
    per_second: float
    failures_allowed: int
    failure_window: float
    lockout: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, Bucket] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            burst=settings.rate_limit_burst,
            per_second=settings.rate_limit_per_second,
            failures_allowed=settings.auth_failures_allowed,
            failure_window=settings.auth_failure_window,
            lockout=settings.auth_lockout,
        )

    def check_client(self, client: str) -> None:
        """Refuse a client still locked out for failing to authenticate."""
        if self.failures_allowed <= 0:
            return
        with self._lock:
            until = self._locked_until.get(client, 0.0)
            now = self.clock()
            if now < until:
                raise TooManyRequests(
                    "Too many failed attempts to authenticate from this client; wait before trying again.",
                    until - now,
                )

    def failed(self, client: str) -> None:
        """Count a failed authentication; the one over the allowance starts the lockout."""
        if self.failures_allowed <= 0:
            return
        with self._lock:
            now = self.clock()
            recent = self._failures.setdefault(client, deque())
            recent.append(now)
            while recent and recent[0] <= now - self.failure_window:
                recent.popleft()
            if len(recent) > self.failures_allowed:
                self._locked_until[client] = now + self.lockout
                recent.clear()
            self._forget_old(now)

    def spend(self, key_id: str) -> None:
        """Take one request from the key's bucket, or refuse with the wait until the next."""
        if self.burst <= 0:
            return
        with self._lock:
            now = self.clock()
            bucket = self._buckets.setdefault(key_id, Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
            if bucket.tokens < 1:
                wait = (1 - bucket.tokens) / self.per_second if self.per_second > 0 else self.lockout
                raise TooManyRequests("This key has sent too many requests; slow down.", wait)
            bucket.tokens -= 1

    def _forget_old(self, now: float) -> None:
        """Keep the tables small: drop lockouts that ended and clients with no recent failure."""
        if len(self._locked_until) + len(self._failures) < 10_000:
            return
        self._locked_until = {c: t for c, t in self._locked_until.items() if t > now}
        self._failures = {c: d for c, d in self._failures.items() if d and d[-1] > now - self.failure_window}
