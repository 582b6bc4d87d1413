"""The HTTP protocol `ledger serve` runs: uvicorn's h11, with both of the ledger's additions.

Malformed HTTP answered as a problem (`api.security.wire`) and a request head that
must arrive in time (`ledger.ops.headtimeout`). Named by import path in
`ledger.cli.serve`, so worker processes import it themselves.
"""

from __future__ import annotations

from api.security.wire import ProblemH11Protocol
from ledger.ops.headtimeout import HeadTimeoutProtocol


class LedgerH11Protocol(HeadTimeoutProtocol, ProblemH11Protocol):
    """h11 with a head timeout and problem+json for requests it cannot parse."""
