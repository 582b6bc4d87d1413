"""The HTTP API v1: a thin FastAPI shell over the ledger's application service."""
