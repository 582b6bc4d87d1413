"""One rebuild, as `ledger projections rebuild` runs it, timed inside its own process.

    LEDGER_DATABASE_URL=... python -m benchmarks.rebuild_child balances[,spending,...]

Prints the rebuild's own seconds as JSON, so the parent's figure leaves out the
interpreter's start and imports (about a second here, most of a quick run); the
parent reads the process's peak memory from `wait4`.
"""

from __future__ import annotations

import json
import os
import sys
import time

from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService


def main() -> None:
    names = sys.argv[1].split(",")
    url = os.environ["LEDGER_DATABASE_URL"]
    service = LedgerService(url=url)
    read_side = ReadSide(url, names)
    try:
        started = time.perf_counter()
        read_side.rebuild_many(names, lambda: service.recorder.max_notification_id() or 0)
        print(json.dumps({"seconds": time.perf_counter() - started}))
    finally:
        read_side.stop()
        service.close()


if __name__ == "__main__":
    main()
