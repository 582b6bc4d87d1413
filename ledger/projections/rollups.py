"""Rollups: a fact table's rows summed by a key as they are inserted, in the same transaction.

A trigger on the fact table adds each inserted row into its rollup row (inserted
the first time, summed after), so the rollup can never disagree with the facts:
whichever statement inserts a fact (a spend, a reversal that looks up its spend's
provider, a queried return's withdrawn lines) rolls it up, in the transaction that
writes the fact and the tracking. The projection's writes stay one statement per
fact, so a rebuild still sends them as `executemany` runs (`ledger.projections.view`).
A trigger, not a second write per fact: facts copy some of their columns from other
tables inside the insert (the budget's cohort, a reversal's provider), which only
the inserted row knows.

The DDL is written per store: SQLite's `CREATE TRIGGER IF NOT EXISTS`, PostgreSQL's
PL/pgSQL function and a trigger made only where missing (replacing a trigger takes
a lock that would wait on a running writer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Table
from sqlalchemy.engine import Dialect


def sum_trigger(
    dialect: Dialect,
    name: str,
    facts: Table,
    rollup: Table,
    values: Mapping[str, str],
    key: Sequence[str],
    sums: Sequence[str],
) -> list[str]:
    """DDL: each row inserted into `facts` adds `values` (SQL over `NEW`) into `rollup`'s row of `key`.

    `sums` are the columns added to an existing row; the others are the key or
    follow from it. `key` must be a unique index of `rollup`.
    """
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in values)
    row = ", ".join(values.values())
    conflict = ", ".join(quote(c) for c in key)
    if dialect.name == "sqlite":
        added = ", ".join(f"{quote(c)} = {quote(c)} + excluded.{quote(c)}" for c in sums)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {quote(name)} AFTER INSERT ON {quote(facts.name)} BEGIN "
            f"INSERT INTO {quote(rollup.name)} ({columns}) VALUES ({row}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {added}; END"
        ]
    schema = f"{quote(facts.schema)}." if facts.schema else ""
    function = f"{schema}{quote(name)}"
    target = f"{schema}{quote(rollup.name)}"
    source = f"{schema}{quote(facts.name)}"
    added = ", ".join(f"{quote(c)} = r.{quote(c)} + EXCLUDED.{quote(c)}" for c in sums)
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $roll$ BEGIN "
        f"INSERT INTO {target} AS r ({columns}) VALUES ({row}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {added}; RETURN NULL; END $roll$",
        "DO $make$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = "
        f"'{name}' AND tgrelid = '{source.replace(chr(39), chr(39) * 2)}'::regclass) THEN "
        f"CREATE TRIGGER {quote(name)} AFTER INSERT ON {source} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}(); END IF; END $make$",
    ]
