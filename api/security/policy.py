"""The security headers every answer carries: one table, for the middleware and for the 500 answer.

The 500 answer is written by Starlette's outermost error middleware, outside every
middleware the app adds, so `api.errors` sets these on it itself.
"""

from __future__ import annotations

#: on every answer: no MIME sniffing, no referrer leaving the ledger, no framing by other sites
EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
#: an answer that is not a page runs nothing and loads nothing (pages set their own policy)
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
#: family data is never kept by a browser or a proxy cache
NO_STORE_PREFIX = "/v1/"


def data_headers(path: str) -> dict[str, str]:
    """The headers of a non-page answer at `path`."""
    no_store = {"Cache-Control": "no-store"} if path.startswith(NO_STORE_PREFIX) else {}
    return {**EVERY_ANSWER, "Content-Security-Policy": DATA_CSP, **no_store}
