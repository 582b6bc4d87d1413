"""Request headers the ledger keeps are safe text; the answer carries the security headers.

`Idempotency-Key` ends up in the record (a spend's id is derived from it, and the
clients' idempotency records keep it), so it is held to the domain's rule for text
(`ledger.aggregates.text`): a control character or a bidirectional override is a 422
problem for every route, before any route runs.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem, rule_title
from api.security.policy import DATA_CSP, EVERY_ANSWER, NO_STORE_PREFIX
from ledger import errors
from ledger.aggregates.text import describe_character, unsafe_character

#: request headers whose value the ledger keeps, so they must be safe text
KEPT_HEADERS = ("Idempotency-Key",)


class SafeHeaders:
    """ASGI middleware: refuse a kept header holding unsafe text, with a 422 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        for name in KEPT_HEADERS:
            value = headers.get(name)
            bad = unsafe_character(value) if value is not None else None
            if bad is not None:
                request = Request(scope)
                detail = (
                    f"The header {name} holds {describe_character(bad)}; control characters and "
                    "bidirectional overrides are not allowed in text the ledger keeps."
                )
                failing = [{"loc": ["header", name], "msg": detail, "type": errors.UnsafeText.rule}]
                title = rule_title(errors.UnsafeText)
                answer = problem(
                    str(request.base_url),
                    422,
                    errors.UnsafeText.rule,
                    title,
                    detail,
                    request.url.path,
                    errors=failing,
                )
                return await answer(scope, receive, send)
        await self.app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: the security headers on every answer, keeping any a route set itself."""

    def __init__(self, app: ASGIApp, page_csp: str) -> None:
        self.app = app
        self.page_csp = page_csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        no_store = str(scope.get("path", "")).startswith(NO_STORE_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                is_page = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", self.page_csp if is_page else DATA_CSP)
                if no_store:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
