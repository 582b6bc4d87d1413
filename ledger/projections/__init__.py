"""The read side: projections of the ledger's events into tables for lists and analytics.

Design: each read model (balances, spending, monitoring, portfolio) is one module
holding its table definitions and a pure function from an event to SQL writes.
`view.py` runs those writes together with the tracking position in one
transaction, so each event is applied exactly once on SQLite and PostgreSQL
alike. The library's `ProjectionRunner` feeds them (PostgreSQL by LISTEN/NOTIFY,
SQLite through `polling.py`); `readside.py` runs, supervises, reports on and
rebuilds them, and `generations.py` lets a rebuild go live without stopping reads.
"""
