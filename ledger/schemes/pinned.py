"""A budget's pinned scheme, rebuilt from the document its `BudgetOpened` carries.

Parsing is cached by fingerprint, so loading a budget does not re-validate the
same document each time.
"""

from __future__ import annotations

from typing import Any

from ledger.schemes.builtin import default_scheme
from ledger.schemes.scheme import BudgetScheme, fingerprint, parse

_PARSED: dict[str, BudgetScheme] = {}


def pinned(document: dict[str, Any] | None) -> BudgetScheme:
    """The scheme a budget opened under; a budget opened before schemes existed has the default."""
    if document is None:
        return default_scheme()
    key = fingerprint(document)
    scheme = _PARSED.get(key)
    if scheme is None:
        scheme = _PARSED[key] = parse(document)
    return scheme
