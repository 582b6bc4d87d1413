"""Invalid input in words: every failing field listed, the first one told as a sentence.

Pydantic says `loc: ["body", "amount"], msg: "Field required"`; a caseworker
reading the problem's `detail` should see "The body field amount is required."
The list keeps pydantic's `loc`, `msg` and `type` for programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: the first element of a pydantic `loc`, as words
WHERE = {"body": "body field", "query": "query parameter", "path": "path parameter", "header": "header"}


def field_errors(raw: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as the problem's `errors[]`: loc, msg, type only (no input echoed back)."""
    return [
        {"loc": [p if isinstance(p, int) else str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in raw
    ]


def field_name(loc: list[str | int]) -> str:
    """'the body field amount', 'the query parameter limit', 'the body' for the body itself."""
    where, *names = loc or ["body"]
    if not names:
        return "the body" if where == "body" else f"the {where}"
    path = ".".join(str(n) for n in names)
    return f"the {WHERE.get(str(where), str(where))} {path}"


def sentence(error: dict[str, Any]) -> str:
    """One field error as a sentence that names the field."""
    name = field_name(error["loc"])
    subject = name[:1].upper() + name[1:]  # not str.capitalize(): it lowercases "Idempotency-Key"
    kind, msg = error["type"], str(error["msg"]).rstrip(".")
    if kind == "json_invalid":
        return "The body is not valid JSON."
    if kind == "missing":
        return f"{subject} is required."
    if kind == "extra_forbidden":
        return f"{subject} is not one this route takes."
    return f"{subject} is not valid: {msg[:1].lower()}{msg[1:]}."


def describe(failing: list[dict[str, Any]]) -> str:
    """The problem's `detail`: the first failing field, and how many more are listed in `errors`."""
    if not failing:
        return "The request is not valid."
    first = sentence(failing[0])
    more = len(failing) - 1
    if more:
        first += f" {more} more {'problem is' if more == 1 else 'problems are'} listed in errors."
    return first
