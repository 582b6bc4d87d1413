"""What `/openapi.json` says beyond FastAPI's defaults: problem examples, operation ids, summaries.

Each error status a route documents carries an example problem; a route's 409
names the rules that route really enforces (`conflicts(...)`), so a client
author sees `instalment-gated` on the release route rather than one generic
overspend everywhere. Operation ids are the route functions' names in camelCase
(`recordSpend`), and summaries the first clause of the route's docstring.
"""

from __future__ import annotations

import http
import re
from typing import Any

from fastapi.routing import APIRoute

from api.errors import HTTP_PROBLEMS, rule_title
from api.schemas.problem import Problem
from ledger import errors

EXAMPLE_BASE = "http://127.0.0.1:8000/problems/"
#: status -> (slug, title, detail) of the example shown when a route names nothing better
GENERIC: dict[int, tuple[str, str, str]] = {
    401: (
        "unauthenticated",
        HTTP_PROBLEMS["unauthenticated"][1],
        "The API key is unknown or has been revoked.",
    ),
    403: ("forbidden", rule_title(errors.Forbidden), "An auditor key may not record or reverse spends."),
    404: ("not-found", rule_title(errors.NotFound), "No budget has the id 6f1c...; check the link."),
    409: ("rule-broken", rule_title(errors.RuleBroken), "The budget's state refuses this command."),
    413: (
        "payload-too-large",
        HTTP_PROBLEMS["payload-too-large"][1],
        "Request bodies are limited to 65536 bytes.",
    ),
    415: (
        "unsupported-media-type",
        HTTP_PROBLEMS["unsupported-media-type"][1],
        "The body was sent as a form; send JSON with Content-Type: application/json.",
    ),
    422: ("invalid-input", rule_title(errors.InvalidInput), "The body field amount is required."),
    500: ("internal-error", HTTP_PROBLEMS["internal-error"][1], "The server failed; the error is logged."),
    503: (
        "read-model-behind",
        HTTP_PROBLEMS["read-model-behind"][1],
        "The balances read model has not yet applied position 1234; ask again shortly.",
    ),
}


def _example(status: int, slug: str, title: str, detail: str) -> dict[str, Any]:
    value = {"type": EXAMPLE_BASE + slug, "title": title, "status": status, "detail": detail}
    if status == 422:
        value["errors"] = [{"loc": ["body", "amount"], "msg": "Field required", "type": "missing"}]
    return {"summary": slug, "value": value}


def _answer(status: int, examples: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": http.HTTPStatus(status).phrase,
        "content": {"application/json": {"examples": examples}},
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers a route documents, each with an example (served as problem+json)."""
    return {s: _answer(s, {GENERIC[s][0]: _example(s, *GENERIC[s])}) for s in statuses}


def conflicts(*rules: type[errors.RuleBroken]) -> dict[int | str, dict[str, Any]]:
    """A route's 409, with one example per rule it enforces."""
    examples = {
        kind.rule: _example(409, kind.rule, rule_title(kind), " ".join((kind.__doc__ or "").split()))
        for kind in rules
    }
    return {409: _answer(409, examples)}


def operation_id(route: APIRoute) -> str:
    """`record_spend` becomes `recordSpend`: the id a generated client's method is named after."""
    head, *rest = route.name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def summary_of(description: str) -> str:
    """The docstring's first clause: up to the first parenthesis, semicolon, colon or full stop."""
    first = re.split(r" \(|; |: |\. ", description.strip(), maxsplit=1)[0]
    return first.rstrip(".")


def polish(schema: dict[str, Any]) -> None:
    """Summaries from docstrings, in place (operation ids are set on the routers)."""
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        if operation.get("description"):
            operation["summary"] = summary_of(operation["description"])
