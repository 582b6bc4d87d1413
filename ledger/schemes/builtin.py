"""The schemes the ledger ships: JSON files beside this module, parsed as strictly as any published one.

`tests/unit/test_schemes.py` pins each file's fingerprint, so editing a shipped
version fails the suite: a changed rule is a new version.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from ledger.schemes.scheme import BudgetScheme, parse

DEFAULT_SCHEME = "local-individual-budget"
FILES = (
    "local-individual-budget.v1.json",
    "wiltshire-short-breaks.v1.json",
    "short-breaks-individual-budget.v1.json",
    "short-breaks-individual-budget.v2.json",
    "short-breaks-individual-budget.v3.json",
)


@cache
def builtin_schemes() -> dict[str, BudgetScheme]:
    """The shipped schemes by `id@version`."""
    data = files("ledger.schemes").joinpath("data")
    schemes = [parse(json.loads(data.joinpath(name).read_text(encoding="utf-8"))) for name in FILES]
    return {s.key: s for s in schemes}


def default_scheme() -> BudgetScheme:
    return builtin_schemes()[f"{DEFAULT_SCHEME}@1"]
