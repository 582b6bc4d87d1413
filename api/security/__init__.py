"""The API's defences, each in a module of its own, installed by `install` in one block of `api.app`.

- `headers`: text-safe request headers (`Idempotency-Key`) and the security headers on every answer.
- `limits`: a rate per key and a lockout for a client failing to authenticate (429).
- `wire`: a uvicorn protocol that answers malformed HTTP (NUL or a bare CR in a header)
  with a problem, not uvicorn's `text/plain` 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from ledger.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add the security middleware (outermost last, so it sees every answer, errors too)."""
    # imported here: `api.errors` imports `api.security.policy`, and these import `api.errors`
    from api.pages import CSP
    from api.security.headers import SafeHeaders, SecurityHeaders
    from api.security.limits import Limits

    app.state.limits = Limits.of(settings)
    app.add_middleware(SafeHeaders)
    app.add_middleware(SecurityHeaders, page_csp=CSP)


__all__ = ["install"]
