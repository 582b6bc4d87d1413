"""A batch's writes as few statements as their order allows, with the same effect as one by one."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, insert, select, update

from ledger.projections.view import batched, overwrite_keys, table_groups

META = MetaData()
BUDGETS = Table("b", META, Column("id", Text, primary_key=True), Column("spent", Integer))
FACTS = Table("f", META, Column("id", Text), Column("amount", Integer))
OTHER = Table("o", META, Column("id", Text), Column("note", Text))
STATEMENTS = {
    "figures": update(BUDGETS).where(BUDGETS.c.id == bindparam("id")).values(spent=bindparam("spent")),
    "add": update(BUDGETS)
    .where(BUDGETS.c.id == bindparam("id"))
    .values(spent=BUDGETS.c.spent + bindparam("amount")),
    "fact": insert(FACTS).from_select(
        ["id", "amount"], select(BUDGETS.c.id, bindparam("amount")).where(BUDGETS.c.id == bindparam("id"))
    ),
    "note": insert(OTHER).values(id=bindparam("id"), note=bindparam("note")),
    "reset": update(BUDGETS).where(BUDGETS.c.spent == bindparam("was")).values(spent=bindparam("spent")),
}


def test_statements_reading_a_shared_table_share_a_group_and_others_stand_apart() -> None:
    groups = table_groups(STATEMENTS)
    assert groups["figures"] == groups["add"] == groups["fact"] == groups["reset"] != groups["note"]


def test_only_an_update_of_parameters_by_other_columns_overwrites() -> None:
    assert overwrite_keys(STATEMENTS["figures"]) == ("id",)
    assert overwrite_keys(STATEMENTS["add"]) is None  # computed from the row
    assert overwrite_keys(STATEMENTS["reset"]) is None  # its WHERE reads the column it sets
    assert overwrite_keys(STATEMENTS["note"]) is None


def test_runs_keep_each_groups_order_and_only_the_last_of_a_repeated_overwrite() -> None:
    writes = [
        ("figures", {"id": "a", "spent": 1}),
        ("note", {"id": "a", "note": "x"}),
        ("figures", {"id": "a", "spent": 2}),
        ("figures", {"id": "a", "spent": 3}),
        ("figures", {"id": "b", "spent": 9}),
        ("fact", {"id": "a", "amount": 5}),
        ("figures", {"id": "a", "spent": 4}),
        ("add", {"id": "a", "amount": 1}),
        ("add", {"id": "a", "amount": 1}),
    ]
    groups = table_groups(STATEMENTS)
    overwrites = {n: k for n, s in STATEMENTS.items() if (k := overwrite_keys(s)) is not None}
    assert batched(writes, groups, overwrites) == [
        ("figures", [{"id": "a", "spent": 3}, {"id": "b", "spent": 9}]),
        ("fact", [{"id": "a", "amount": 5}]),
        ("figures", [{"id": "a", "spent": 4}]),
        ("add", [{"id": "a", "amount": 1}, {"id": "a", "amount": 1}]),
        ("note", [{"id": "a", "note": "x"}]),
    ]
