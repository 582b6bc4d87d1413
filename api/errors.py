"""The one place where errors become answers: RFC 9457 `application/problem+json`.

The ledger's error hierarchy maps by family (`NotFound` 404, `InvalidInput` 422,
`Forbidden` 403, `RuleBroken` 409) and every problem's `type` ends in the rule's
slug, e.g. `https://ledger.invalid/problems/insufficient-funds`; its `title` is
the docstring of the class that defines the rule, so one type has one title.
FastAPI's and Starlette's own errors (unknown route, wrong method, invalid or
malformed input, oversized body) get the same shape, and anything unexpected is
a bare 500 that names no exception, stack or SQL: those go to the log only.
"""

from __future__ import annotations

import http
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas.problem import Problem
from ledger import errors

PROBLEM_BASE = "https://ledger.invalid/problems/"
PROBLEM_JSON = "application/problem+json"
STATUS_BY_FAMILY: dict[type[errors.LedgerError], int] = {
    errors.NotFound: 404,
    errors.InvalidInput: 422,
    errors.Forbidden: 403,
    errors.RuleBroken: 409,
}
log = logging.getLogger("api")


class NotAuthenticated(Exception):
    """No key, a malformed Authorization header, an unknown key or a revoked one."""


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


def problem(
    status: int, slug: str, title: str, detail: str, instance: str | None = None, **extra: Any
) -> JSONResponse:
    body = Problem(
        type=PROBLEM_BASE + slug, title=title, status=status, detail=detail, instance=instance, **extra
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status, headers=headers, media_type=PROBLEM_JSON
    )


def rule_title(kind: type[errors.LedgerError]) -> str:
    """The docstring of the class that defines the rule: one title per problem type."""
    owner = next(c for c in kind.__mro__ if "rule" in vars(c))
    return " ".join((owner.__doc__ or kind.title).split())


#: Starlette's own HTTP errors: slug and title
HTTP_PROBLEMS = {
    404: ("not-found", rule_title(errors.NotFound)),
    405: ("method-not-allowed", "The resource does not answer this method."),
    413: ("payload-too-large", "The request body is too large."),
}


def _ledger_error(exc: errors.LedgerError, instance: str) -> JSONResponse:
    status = next((s for family, s in STATUS_BY_FAMILY.items() if isinstance(exc, family)), None)
    if status is None:
        log.error("unmapped ledger error %r", exc)
        return _internal(instance)
    return problem(status, exc.rule, rule_title(type(exc)), exc.detail, instance)


def _validation(exc: RequestValidationError, instance: str) -> JSONResponse:
    failing = [
        {"loc": [p if isinstance(p, int) else str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    names = ", ".join(".".join(str(p) for p in f["loc"]) for f in failing)
    malformed = any(f["type"] == "json_invalid" for f in failing)
    detail = "the body is not valid JSON" if malformed else f"invalid {names}"
    return _invalid(detail, instance, failing)


def _invalid(detail: str, instance: str, failing: list[dict[str, Any]]) -> JSONResponse:
    title = rule_title(errors.InvalidInput)
    return problem(422, errors.InvalidInput.rule, title, detail, instance, errors=failing)


def _http(exc: HTTPException, instance: str) -> JSONResponse:
    status = exc.status_code
    if status == 400:  # FastAPI's "error parsing the body": a body that is not UTF-8 JSON
        failing = [{"loc": ["body"], "msg": "the body is not UTF-8 JSON", "type": "json_invalid"}]
        return _invalid("the body is not valid JSON", instance, failing)
    slug, title = HTTP_PROBLEMS.get(status, (f"http-{status}", _phrase(status)))
    response = problem(status, slug, title, str(exc.detail), instance)
    response.headers.update(exc.headers or {})
    return response


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _internal(instance: str) -> JSONResponse:
    return problem(
        500, "internal-error", "Internal error", "the server failed; the error is logged", instance
    )


def allowed_methods(request: Request) -> str:
    """Every method some route of this path answers (a path may be served by several routes)."""
    path = request.url.path
    methods = {m for pattern, ms in request.app.state.route_methods for m in ms if pattern.match(path)}
    return ", ".join(sorted(methods - {"HEAD"}))


async def handle(request: Request, exc: Exception) -> JSONResponse:
    """Every error handler of the app, in one function."""
    instance = request.url.path
    if isinstance(exc, errors.LedgerError):
        return _ledger_error(exc, instance)
    if isinstance(exc, RequestValidationError):
        return _validation(exc, instance)
    if isinstance(exc, NotAuthenticated):
        return problem(401, "unauthenticated", "An API key is required.", str(exc), instance)
    if isinstance(exc, HTTPException):
        response = _http(exc, instance)
        if exc.status_code == 405:  # Starlette names only the first route's methods
            response.headers["Allow"] = allowed_methods(request)
        return response
    log.error("unexpected error on %s %s", request.method, instance, exc_info=exc)
    return _internal(instance)


def install(app: FastAPI) -> None:
    for kind in (errors.LedgerError, RequestValidationError, NotAuthenticated, HTTPException, Exception):
        app.add_exception_handler(kind, handle)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers a route documents (served as application/problem+json, see api.app)."""
    return {s: {"model": Problem, "description": http.HTTPStatus(s).phrase} for s in statuses}


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes is refused with a 413 problem, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            slug, title = HTTP_PROBLEMS[413]
            response = problem(413, slug, title, str(PayloadTooLarge(self.limit).detail), scope.get("path"))
            return await response(scope, receive, send)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise PayloadTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)
