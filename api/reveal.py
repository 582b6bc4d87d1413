"""Every JSON answer shows a family's text readable, or marked erased: one place for the whole API.

Free text is stored sealed (`ledger.sealed_text`), so every route, read model and
idempotency record hands out sealed strings. This middleware, innermost, opens them
in each JSON answer (problems and replayed answers too) just before it leaves:
a route never has to remember. Answers without a sealed string (a quick byte
search) pass through untouched. CSV and HTML are rendered from revealed data by
their routes (`service.reveal`), since their escaping is decided while rendering.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.sealed_text import PREFIX

MARK = PREFIX.encode()


def _is_json(message: Message) -> bool:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


class RevealSealedText:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_json(message):
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            if MARK in body:
                body = await anyio.to_thread.run_sync(_reveal, scope["app"].state.service, body)
                MutableHeaders(raw=start["headers"])["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)


def _reveal(service: Any, body: bytes) -> bytes:
    answer = service.reveal(json.loads(body))
    return json.dumps(answer, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
