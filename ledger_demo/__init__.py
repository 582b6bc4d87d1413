"""The demo: a year of a synthetic cohort of budgets, loaded through the ledger's own use cases.

Design: the demo is not part of the ledger. It sits beside it as a client, the way
the API does, and only `ledger demo` (which imports it lazily) knows it exists, so
the core package carries no sample data and no story-telling. The package is split
by concept:

- `cohort` and `spending`: the plan, as pure seeded data (families, allocations,
  story roles, each month's spends), so the same seed always plans the same year;
- `year`: the months and quarters the plan and the stories are told in;
- `context` and `loader`: replaying the plan month by month as commands;
- `returns`, `trials`, `disputes`, `casework`, `envelopes`: one kind of scenario
  each, as story steps placed in the month they happen;
- `reset`: `ledger demo --reset`, which removes an SQLite store's files first.

The cohort holds every state the ledger can show: budgets active, suspended,
suspended and resumed, and closed; gated instalments waiting at the gate (one
overdue since October, one queried, one whose return awaits a decision);
disputes open and resolved about each subject; trials adopted and abandoned; and
funding envelopes for every stream of the year.
"""

from __future__ import annotations

from ledger_demo.loader import load_demo

__all__ = ["load_demo"]
