"""The one place where errors become answers: RFC 9457 `application/problem+json`.

The ledger's error hierarchy maps by family (`NotFound` 404, `InvalidInput` 422,
`Forbidden` 403, `RuleBroken` 409) and every problem's `type` is a page of this
ledger named after the rule, e.g. `http://host/problems/insufficient-funds`
(`api.problems` serves it), so a person who follows the link reads what the rule
is; its `title` is the docstring of the class that defines the rule, so one type
has one title. FastAPI's and Starlette's own errors (unknown route, wrong method,
invalid or malformed input, a body that is not JSON, an oversized body) get the
same shape, and anything unexpected is a bare 500 that names no exception, stack
or SQL: those go to the log only.
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

from api.fielderrors import describe, field_errors
from api.schemas.problem import Problem
from api.security.policy import data_headers
from ledger import errors
from ledger.aggregates.text import printable

PROBLEMS_PATH = "/problems/"
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
        super().__init__(413, f"Request bodies are limited to {limit} bytes.")


class UnsupportedMediaType(HTTPException):
    """A request body that is not JSON, such as a form (curl's default for `-d`)."""

    def __init__(self, content_type: str) -> None:
        sent = f"as {content_type}" if content_type else "without a Content-Type"
        super().__init__(415, f"The body was sent {sent}; send JSON with Content-Type: application/json.")


class UnknownQueryParameter(errors.InvalidInput):
    """Every query parameter is one the route takes."""

    rule = "unknown-query-parameter"

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        takes = f"it takes {', '.join(known)}" if known else "it takes none"
        names = " and ".join(repr(u) for u in unknown)
        noun = "parameter" if len(unknown) == 1 else "parameters"
        super().__init__(f"The query {noun} {names} is not one this route knows; {takes}.")
        self.unknown = unknown


#: problems raised by the HTTP layer rather than the ledger: slug -> (status, title)
HTTP_PROBLEMS: dict[str, tuple[int, str]] = {
    "unauthenticated": (401, "An API key is required."),
    "method-not-allowed": (405, "The resource does not answer this method."),
    "payload-too-large": (413, "The request body is too large."),
    "unsupported-media-type": (415, "Request bodies are JSON."),
    "internal-error": (500, "Internal error."),
    # operations (api.health, api.outage)
    "store-unavailable": (503, "The event store cannot be reached right now."),
    "not-ready": (503, "The ledger is not ready to serve."),
    # --- security (issue 14) ---
    "malformed-request": (400, "The request is not well-formed HTTP."),
    "too-many-requests": (429, "Too many requests; wait and try again."),
    # read your writes (api.readside.applied)
    "read-model-behind": (503, "The read models have not yet applied the position asked for."),
}
SLUG_BY_STATUS = {status: slug for slug, (status, _) in HTTP_PROBLEMS.items()}


def problem_type(base_url: str, slug: str) -> str:
    """The problem `type`: this ledger's page about the rule, so the URI resolves."""
    return base_url.rstrip("/") + PROBLEMS_PATH + slug


def problem(
    base_url: str, status: int, slug: str, title: str, detail: str, instance: str | None = None, **extra: Any
) -> JSONResponse:
    body = Problem(
        type=problem_type(base_url, slug),
        title=title,
        status=status,
        detail=printable(detail),  # security (issue 14): never echo a control character
        instance=instance,
        **extra,
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status, headers=headers, media_type=PROBLEM_JSON
    )


def rule_title(kind: type[errors.LedgerError]) -> str:
    """The docstring of the class that defines the rule: one title per problem type."""
    owner = next(c for c in kind.__mro__ if "rule" in vars(c))
    return " ".join((owner.__doc__ or kind.title).split())


def status_of(kind: type[errors.LedgerError]) -> int | None:
    return next((s for family, s in STATUS_BY_FAMILY.items() if issubclass(kind, family)), None)


def _ledger_error(exc: errors.LedgerError, request: Request) -> JSONResponse:
    status = status_of(type(exc))
    if status is None:
        log.error("unmapped ledger error %r", exc)
        return _internal(request)
    extra: dict[str, Any] = {}
    if isinstance(exc, UnknownQueryParameter):
        extra["errors"] = [
            {"loc": ["query", name], "msg": "this route takes no such parameter", "type": "extra_forbidden"}
            for name in exc.unknown
        ]
    title, detail = rule_title(type(exc)), as_sentence(exc.detail)
    return problem(str(request.base_url), status, exc.rule, title, detail, request.url.path, **extra)


def as_sentence(text: str) -> str:
    """The domain's terse details ('spend of 9.00 exceeds ...') as a sentence: capital, full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _validation(exc: RequestValidationError, request: Request) -> JSONResponse:
    failing = field_errors(exc.errors())
    return _invalid(describe(failing), request, failing)


def _invalid(detail: str, request: Request, failing: list[dict[str, Any]]) -> JSONResponse:
    title = rule_title(errors.InvalidInput)
    base, path = str(request.base_url), request.url.path
    return problem(base, 422, errors.InvalidInput.rule, title, detail, path, errors=failing)


def _http(exc: HTTPException, request: Request) -> JSONResponse:
    status = exc.status_code
    if status == 400:  # FastAPI's "error parsing the body": a body that is not UTF-8 JSON
        failing = [{"loc": ["body"], "msg": "the body is not UTF-8 JSON", "type": "json_invalid"}]
        return _invalid("The body is not valid JSON.", request, failing)
    if status == 404:
        slug, title = errors.NotFound.rule, rule_title(errors.NotFound)
    else:
        slug = SLUG_BY_STATUS.get(status, f"http-{status}")
        title = HTTP_PROBLEMS[slug][1] if slug in HTTP_PROBLEMS else _phrase(status)
    detail = str(exc.detail) if status != 404 else "There is nothing at this address."
    response = problem(str(request.base_url), status, slug, title, detail, request.url.path)
    response.headers.update(exc.headers or {})
    return response


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _internal(request: Request) -> JSONResponse:
    title = HTTP_PROBLEMS["internal-error"][1]
    detail = "The server failed; the error is logged."
    answer = problem(str(request.base_url), 500, "internal-error", title, detail, request.url.path)
    answer.headers.update(data_headers(request.url.path))  # security: written outside the middleware
    return answer


def allowed_methods(request: Request) -> str:
    """Every method some route of this path answers (a path may be served by several routes)."""
    path = request.url.path
    methods = {m for pattern, ms in request.app.state.route_methods for m in ms if pattern.match(path)}
    return ", ".join(sorted(methods - {"HEAD"}))


async def handle(request: Request, exc: Exception) -> JSONResponse:
    """Every error handler of the app, in one function."""
    if isinstance(exc, errors.LedgerError):
        return _ledger_error(exc, request)
    if isinstance(exc, RequestValidationError):
        return _validation(exc, request)
    if isinstance(exc, NotAuthenticated):
        title = HTTP_PROBLEMS["unauthenticated"][1]
        return problem(str(request.base_url), 401, "unauthenticated", title, str(exc), request.url.path)
    if isinstance(exc, HTTPException):
        response = _http(exc, request)
        if exc.status_code == 405:  # Starlette names only the first route's methods
            response.headers["Allow"] = allowed_methods(request)
        return response
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _internal(request)


def install(app: FastAPI) -> None:
    for kind in (errors.LedgerError, RequestValidationError, NotAuthenticated, HTTPException, Exception):
        app.add_exception_handler(kind, handle)


def json_only(request: Request) -> None:
    """A request that carries a body sends it as JSON, and says so in its Content-Type."""
    headers = request.headers
    has_body = headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
    content_type = headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if has_body and media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(media)


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes is refused with a 413 problem, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int, paths: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.paths = paths or {}  # larger limits for the routes that take files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.paths.get(scope.get("path", ""), self.limit)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            request = Request(scope)
            title = HTTP_PROBLEMS["payload-too-large"][1]
            detail = str(PayloadTooLarge(limit).detail)
            response = problem(
                str(request.base_url), 413, "payload-too-large", title, detail, request.url.path
            )
            return await response(scope, receive, send)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited, send)
