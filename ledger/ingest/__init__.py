"""Bulk month-end ingest: a card provider's or payroll's file of spends across many budgets.

`read_rows` turns a CSV or JSON-lines file into rows (or per-row refusals);
`ingest` checks every row against its budget's own rules and records each once.
"""

from ledger.ingest.batch import IngestReport, RowResult, ingest
from ledger.ingest.rows import FORMATS, IngestRow, read_rows

__all__ = ["FORMATS", "IngestReport", "IngestRow", "RowResult", "ingest", "read_rows"]
