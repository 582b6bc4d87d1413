"""Request ids, JSON-logged requests' context and Prometheus metrics, in one outermost ASGI layer.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token
(at most 128 of `A-Z a-z 0-9 . _ : -`), else a fresh one. It is set in the logging
context (`ledger.ops.logs.request_id`) for the whole request, given back in the
`X-Request-ID` header, and written into every problem answer as `request_id`, so
a caller quoting a problem points an operator at its log lines.

The layer wraps the whole middleware stack (`install`), outside Starlette's own
error middleware, so a 500 carries the id too. It counts requests and times them
by route template (`/v1/budgets/{budget_id}/spends`, never the ids themselves, so
the label set stays small) and status, and counts refusals by the problem's rule.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from uuid import uuid4

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_JSON
from ledger.ops.logs import request_id

REQUEST_ID_HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "unmatched"  # the route label of a request no route answered (404s of any path)


class HttpMetrics:
    """The app's own metrics, in a registry of its own (an app built twice never collides)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ("method", "route", "status")
        self.requests = Counter("ledger_http_requests", "Requests answered", labels, registry=self.registry)
        self.latency = Histogram(
            "ledger_http_request_duration_seconds",
            "Time from the request's arrival to the end of its answer",
            labels,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.refusals = Counter(
            "ledger_refusals",
            "Problem answers, by the rule (problem type) that refused",
            ("rule", "status"),
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float, rule: str | None) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)
        if rule:
            self.refusals.labels(rule, str(status)).inc()


def given_or_new_id(scope: Scope) -> str:
    given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
    return given if SANE_ID.fullmatch(given) else uuid4().hex


def with_request_id(body: bytes, rid: str) -> tuple[bytes, str | None]:
    """The problem `body` with `request_id` added, and its rule (the last segment of `type`)."""
    try:
        problem: Any = json.loads(body)
    except ValueError:
        return body, None
    if not isinstance(problem, dict):
        return body, None
    problem["request_id"] = rid
    rule = str(problem.get("type", "")).rstrip("/").rsplit("/", 1)[-1] or None
    return json.dumps(problem).encode(), rule


class RouteTemplates:
    """The template a path was served by (`/v1/budgets/{budget_id}`), found by the routes' own patterns.

    Matched here rather than read from the scope, where routers included with a
    prefix leave only the inner path; literal routes win over templated ones.
    """

    def __init__(self, templates: list[str]) -> None:
        ordered = sorted(set(templates), key=lambda t: (t.count("{"), -len(t)))
        self.patterns = [(compile_path(t)[0], t) for t in ordered]

    def of(self, path: str) -> str:
        return next((t for pattern, t in self.patterns if pattern.match(path)), UNMATCHED)


class Observe:
    """ASGI: request id in, out and in problems; every request counted and timed."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics, routes: RouteTemplates) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = given_or_new_id(scope)
        token = request_id.set(rid)
        start, status, rule = time.perf_counter(), 500, None
        held: Message | None = None
        body = bytearray()

        async def answer(message: Message) -> None:
            nonlocal status, rule, held
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = rid
                if headers.get("content-type", "").startswith(PROBLEM_JSON):
                    held = message  # sent with the rewritten body
                    return
            elif message["type"] == "http.response.body" and held is not None:
                body.extend(message.get("body", b""))
                if message.get("more_body"):
                    return
                rewritten, rule = with_request_id(bytes(body), rid)
                MutableHeaders(scope=held)["content-length"] = str(len(rewritten))
                await send(held)
                message = {"type": "http.response.body", "body": rewritten}
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            route = self.routes.of(scope["path"]) if status != 404 else UNMATCHED
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - start, rule)
            request_id.reset(token)


def install(app: FastAPI, templates: list[str]) -> HttpMetrics:
    """Wrap `app`'s whole middleware stack (Starlette's error layer included) in `Observe`.

    `templates` are the path templates of every route the app answers.
    """
    metrics = HttpMetrics()
    build = app.build_middleware_stack

    def outermost() -> ASGIApp:
        return Observe(build(), metrics, RouteTemplates(templates))

    app.build_middleware_stack = outermost  # type: ignore[method-assign]
    app.state.http_metrics = metrics
    return metrics
