"""A rebuild leaves the planner statistics of the rebuilt tables, not those of empty tables (issue 15).

PostgreSQL plans from `pg_class.reltuples`; tables created empty and filled by a
rebuild kept `reltuples` at -1 (never analysed) until autovacuum came by, which
on this server is off, and the spending counts were planned for a hundredth of
their rows.
"""

from __future__ import annotations

import psycopg

from ledger.projections.readside import ReadSide
from ledger.use_cases import LedgerService
from tests.conftest import PG_URL
from tests.projections.commands import random_steps, run


def test_a_rebuild_analyses_each_table_of_the_new_generation(pg_schema_url: str) -> None:
    app = LedgerService(url=pg_schema_url)
    side = ReadSide(pg_schema_url, ["spending"])
    try:
        run(app, random_steps(seed=3, count=60))
        side.rebuild("spending", lambda: app.recorder.max_notification_id() or 0)
        view = side.view("spending")
        schema = pg_schema_url.rsplit("schema=", 1)[1]
        with psycopg.connect(PG_URL) as conn:
            rows = conn.execute(
                "SELECT c.relname, c.reltuples, s.last_analyze IS NOT NULL FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE n.nspname = %s",
                (schema,),
            ).fetchall()
        stats = {name: (tuples, analysed) for name, tuples, analysed in rows}
        facts = view.select(view.facts.select())
        assert facts, "the steps recorded spends"
        for table in view.tables:
            assert stats[table.name][1], table.name
        assert stats[view.facts.name][0] == len(facts)
    finally:
        side.stop()
        app.close()
