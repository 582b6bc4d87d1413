"""What every write route shares: its idempotency key, its answer, and `X-Ledger-Position`.

A write route takes `write: Write` (or `KeyedWrite`, where the key is required)
and runs its command through it:

    return write.run(answers.done, lambda once: service.suspend_budget(..., once=once))

`run` hands the service a `ledger.idempotency.Once` when the request carries an
`Idempotency-Key`, so the answer is saved with the command's events; it then sets
`X-Ledger-Position` (the log position of the write's last event) and returns the
answer. A repeated request raises `Replayed` inside the service, answered here
with the first answer's status and body, `Idempotent-Replayed: true`, and the
ledger's current position (never below the first write's). The key is compared
exactly as sent: `"k1"` with its quotes and `k1` are two keys.

`Prefer: return=representation` (RFC 7240) asks a command's answer to carry the
whole budget as `GET /v1/budgets/{id}` shows it; it is part of the request's
fingerprint, so a retry must send it as the first try did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.deps import CurrentActor
from ledger.idempotency import Once, Replayed, fingerprint

M = TypeVar("M", bound=BaseModel)
#: (aggregate, command result, whole budget asked for) -> the answer
Render = Callable[[Any, Any, bool], M]
KEY_HEADER = "Idempotency-Key"
POSITION_HEADER = "X-Ledger-Position"
KEY_DESCRIPTION = (
    "any unique string, at most 200 characters; a retry with the same key and body answers the first"
    " answer again and records nothing; the same key with another body is refused with 409"
    " idempotency-key-reused. The key is compared exactly as sent: quoted and bare are two keys."
)


@dataclass
class Write:
    """One write request: who sent it, its key (if any) and how to answer it."""

    request: Request
    response: Response
    actor_id: str
    key: str | None
    full: bool

    def once(self, render: Render[Any]) -> Once | None:
        """The service's idempotency record for this request, or None without a key."""
        if self.key is None:
            return None
        route = self.request.scope["route"]
        assert isinstance(route, APIRoute)
        params = self.request.path_params
        return Once(
            scope=str(params.get("budget_id") or params.get("provider_id") or route.path_format),
            key_id=self.actor_id,
            route=f"{self.request.method} {route.path_format}",
            key=self.key,
            fingerprint=fingerprint(
                self.request.method,
                self.request.url.path,
                self.request.state.write_body,
                f"full={self.full}",
            ),
            status=route.status_code or 200,
            render=lambda aggregate, result: render(aggregate, result, self.full).model_dump(mode="json"),
        )

    def done(self, position: int | None, answer: M) -> M:
        """`answer`, with the header naming the write's place in the log."""
        self.response.headers[POSITION_HEADER] = str(position if position is not None else self.head())
        return answer

    def run(self, render: Render[M], command: Callable[[Once | None], Any]) -> M:
        """Run `command` (a service call given the request's `Once`), answer what it did."""
        outcome = command(self.once(render))
        return self.done(outcome.position, render(outcome.budget, outcome.result, self.full))

    def head(self) -> int:
        return int(self.request.app.state.service.recorder.max_notification_id() or 0)


def _prefers_representation(request: Request) -> bool:
    prefer = ",".join(request.headers.getlist("prefer")).replace(" ", "").lower()
    return "return=representation" in prefer.split(",")


async def _write(request: Request, response: Response, actor: CurrentActor, key: str | None) -> Write:
    request.state.write_body = await request.body()  # cached by Starlette: the route reads it too
    return Write(request, response, actor.id, key, _prefers_representation(request))


async def optional_key(
    request: Request,
    response: Response,
    actor: CurrentActor,
    key: Annotated[
        str | None, Header(alias=KEY_HEADER, min_length=1, max_length=200, description=KEY_DESCRIPTION)
    ] = None,
) -> Write:
    return await _write(request, response, actor, key)


async def required_key(
    request: Request,
    response: Response,
    actor: CurrentActor,
    key: Annotated[str, Header(alias=KEY_HEADER, min_length=1, max_length=200, description=KEY_DESCRIPTION)],
) -> Write:
    return await _write(request, response, actor, key)


WriteDep = Annotated[Write, Depends(optional_key)]
KeyedWrite = Annotated[Write, Depends(required_key)]


#: routes whose first answer named the new resource's address: path -> Location template
LOCATIONS = {"/v1/budgets": "/v1/budgets/{id}"}


def replayed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Replayed)
    head = request.app.state.service.recorder.max_notification_id() or 0
    headers = {POSITION_HEADER: str(head), "Idempotent-Replayed": "true"}
    location = LOCATIONS.get(request.url.path)
    if location and exc.status == 201:
        headers["Location"] = location.format(**exc.body)
    return JSONResponse(exc.body, exc.status, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Replayed, replayed)
