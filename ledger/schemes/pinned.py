"""A budget's pinned scheme, rebuilt from the document its `BudgetOpened` carries.

Parsing is cached by fingerprint, so loading a budget does not re-validate the
same document each time; and the fingerprint by the document's identity, because
a budget asks for its scheme several times per command (a month-end file's rows
each paid for a canonical JSON dump and a SHA-256 of the whole document five times).
"""

from __future__ import annotations

from typing import Any

from ledger.schemes.builtin import default_scheme
from ledger.schemes.scheme import BudgetScheme, fingerprint, parse

_PARSED: dict[str, BudgetScheme] = {}
#: id(document) -> (the document, its scheme); the document is kept so its id cannot be reused
_SEEN: dict[int, tuple[dict[str, Any], BudgetScheme]] = {}
SEEN_MAX = 1024  # budgets held at once; past it the cache starts again (plain dict ops: thread-safe)


def pinned(document: dict[str, Any] | None) -> BudgetScheme:
    """The scheme a budget opened under; a budget opened before schemes existed has the default."""
    if document is None:
        return default_scheme()
    seen = _SEEN.get(id(document))
    if seen is not None and seen[0] is document:
        return seen[1]
    key = fingerprint(document)
    scheme = _PARSED.get(key)
    if scheme is None:
        scheme = _PARSED[key] = parse(document)
    if len(_SEEN) >= SEEN_MAX:
        _SEEN.clear()
    _SEEN[id(document)] = (document, scheme)
    return scheme
