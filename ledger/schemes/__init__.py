"""Budget schemes: the council's rules for a kind of budget, published as versioned data.

`scheme` holds the typed value and its strict parser, `builtin` the shipped
schemes, `book` the published ones in the event store, `pinned` the scheme a
budget carries from its opening.
"""

from ledger.schemes.builtin import DEFAULT_SCHEME, builtin_schemes, default_scheme
from ledger.schemes.pinned import pinned
from ledger.schemes.scheme import BudgetScheme, fingerprint, parse

__all__ = [
    "DEFAULT_SCHEME",
    "BudgetScheme",
    "builtin_schemes",
    "default_scheme",
    "fingerprint",
    "parse",
    "pinned",
]
