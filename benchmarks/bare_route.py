"""The HTTP benchmark's baseline: a bare FastAPI route that validates a spend and INSERTs one row.

    BENCH_BARE_URL=postgresql://...  uvicorn benchmarks.bare_route:app --workers N

Same path and body schema as the ledger's `POST /v1/budgets/{id}/spends` (`SpendIn`),
one autocommit `INSERT` per request through a `psycopg_pool` pool opened per
worker process, and a small JSON answer: the floor that any HTTP write pays here.
No authentication, no idempotency, no rules, no events.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID, uuid4

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from api.schemas.commands import SpendIn

#: made by the benchmark before the server starts (two workers racing a CREATE would collide)
CREATE = (
    "CREATE TABLE bare_spends (spend_id TEXT PRIMARY KEY, budget_id TEXT, amount TEXT,"
    " category TEXT, provider TEXT, service_date TEXT, description TEXT, units TEXT, unit TEXT)"
)
INSERT = "INSERT INTO bare_spends VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = ConnectionPool(os.environ["BENCH_BARE_URL"], min_size=4, max_size=8, kwargs={"autocommit": True})
    pool.wait()
    app.state.pool = pool
    yield
    pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/budgets/{budget_id}/spends", status_code=201)
def record_spend(budget_id: UUID, body: SpendIn) -> dict[str, str]:
    spend_id = str(uuid4())
    row = (spend_id, str(budget_id), str(body.amount), body.category, body.provider)
    row2 = (body.service_date.isoformat(), body.description, str(body.units), body.unit)
    with app.state.pool.connection() as conn:
        conn.execute(INSERT, (*row, *row2))
    return {"spend_id": spend_id, "budget_id": str(budget_id), "amount": str(body.amount)}
