"""Process-wide counters the ledger keeps below the API (the API adds its own per app).

Kept in a registry of their own rather than prometheus-client's global one, so an
application built twice in one process (as the tests do) never registers twice;
`api.observability` serves this registry beside the app's.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

PROCESS = CollectorRegistry(auto_describe=True)
CONTENTION_RETRIES = Counter(
    "ledger_contention_retries",
    "Saves that lost an optimistic-concurrency race to another process and were retried",
    registry=PROCESS,
)
CONTENTION_EXHAUSTED = Counter(
    "ledger_contention_exhausted",
    "Commands refused concurrent-update after every retry lost",
    registry=PROCESS,
)
GROUP_COMMIT_SIZE = Histogram(
    "ledger_group_commit_saves",
    "Saves written in one transaction by group commit (1: no other save was waiting)",
    buckets=(1, 2, 4, 8, 16, 32, 64),
    registry=PROCESS,
)
