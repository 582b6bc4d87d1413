"""Answer sizes in bytes as a budget grows: the old whole-budget answers against the paged ones.

    .venv/bin/python -m benchmarks.answer_sizes [--quick]

On a SQLite store in a temporary folder, one budget is given 300, then 2,000
spends; at each size this prints, in bytes and milliseconds (one request each):

- a spend's answer: before, the whole budget with every spend (`{"version", "budget"}`,
  rebuilt here from today's schemas); now, what the command did (`SpendRecordedAnswer`);
- `GET /v1/budgets/{id}`: before, every spend; now, the newest page and a cursor;
- `GET /v1/budgets/{id}/history`: before, every event; now, the first page (100 events).

`--quick` measures at 30 and 100 spends instead.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.schemas.audit import EventOut
from api.schemas.budget import BudgetOut, SpendOut
from benchmarks._common import options
from ledger import audit
from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest
from ledger.keys import create_key
from ledger.use_cases import LedgerService

CASEWORKER = Actor(id="bench", role="caseworker")


def spend(amount: str = "0.10") -> SpendRequest:
    return SpendRequest(
        amount=Decimal(amount),
        category="personal_assistant",
        provider="PA Co",
        service_date=date(2026, 5, 2),
        description="Saturday sessions",
        units=Decimal(1),
        unit="hours",
        funding_stream="social_care",
    )


def size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())


def before(service: LedgerService, budget_id: Any) -> tuple[int, int]:
    """The old answers' sizes: the whole budget with every spend, and the whole history."""
    budget = service.load(budget_id)
    whole = BudgetOut.of(budget).model_dump(mode="json")
    whole["spends"] = [
        SpendOut.model_validate(vars(s)).model_dump(mode="json") for s in budget.spends.values()
    ]
    del whole["spends_next_cursor"]
    events = [
        EventOut.model_validate(audit.describe(e)).model_dump(mode="json")
        for e in service.events.get(budget_id)
    ]
    return size({"version": budget.version, "budget": whole}), size({"events": events})


def timed(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    answer = call(*args, **kwargs)
    return answer, (time.perf_counter() - start) * 1000


def main(argv: Sequence[str] | None = None) -> None:
    args = options(__doc__, argv)
    sizes = (30, 100) if args.quick else (300, 2000)
    with tempfile.TemporaryDirectory(prefix="ledger-sizes-") as folder:
        service = LedgerService(url=f"sqlite:///{folder}/ledger.db")
        key = create_key(service, "caseworker", "bench")[1]
        auth = {"Authorization": f"Bearer {key}"}
        opened = service.open_budget(
            CASEWORKER,
            reference="BH-SIZES",
            family_ref="FAM-1",
            period_start=date(2026, 4, 1),
            period_end=date(2027, 3, 31),
            management="direct_payment",
        )
        budget_id = opened.result
        service.decide_allocation(CASEWORKER, budget_id, {"social_care": Decimal("10000.00")}, "bench")
        service.schedule_instalment(CASEWORKER, budget_id, Decimal("10000.00"), date(2026, 4, 1), False)
        service.release_instalment(CASEWORKER, budget_id, 1)
        count = 0
        print(f"{'spends':>6} {'answer':<22} {'before B':>10} {'now B':>8} {'now ms':>7}")
        with TestClient(create_app(service=service, run_projections=False)) as client:
            for target in sizes:
                while count < target - 1:  # many spends per save: only the setup, not what is measured
                    budget = service.load(budget_id)
                    for _ in range(min(100, target - 1 - count)):
                        budget.record_spend(CASEWORKER, service.spend_id(budget_id, f"s{count}"), spend())
                        count += 1
                    service.save(budget)
                old_answer, old_history = before(service, budget_id)
                path = f"/v1/budgets/{budget_id}"
                headers = {**auth, "Idempotency-Key": f"s{count}"}
                answer, ms = timed(client.post, f"{path}/spends", json=_body(), headers=headers)
                count += 1
                print(f"{count:>6} {'POST spends':<22} {old_answer:>10} {len(answer.content):>8} {ms:>7.1f}")
                read, ms = timed(client.get, path, headers=auth)
                print(f"{count:>6} {'GET budget':<22} {old_answer:>10} {len(read.content):>8} {ms:>7.1f}")
                history, ms = timed(client.get, f"{path}/history", headers=auth)
                print(
                    f"{count:>6} {'GET history':<22} {old_history:>10} {len(history.content):>8} {ms:>7.1f}"
                )
        service.close()


def _body() -> dict[str, str]:
    return {
        "amount": "0.10",
        "category": "personal_assistant",
        "provider": "PA Co",
        "service_date": "2026-05-02",
        "description": "Saturday sessions",
        "units": "1",
        "unit": "hours",
        "funding_stream": "social_care",
    }


if __name__ == "__main__":
    main(sys.argv[1:])
