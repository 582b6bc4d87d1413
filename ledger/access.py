"""Least privilege: which role may do what, and on whose budgets.

One table for the whole ledger, checked by the application service, so the API,
the command line and any future client are held to the same rules. Brokers act
only on budgets of their own organisation, families only on their own budgets.
"""

from __future__ import annotations

from typing import Any

from ledger.aggregates.actor import Actor
from ledger.errors import Forbidden

CW, BROKER, FAMILY, AUDITOR, COMMISSIONER, ADMIN = (
    "caseworker",
    "broker",
    "family",
    "auditor",
    "commissioner",
    "admin",
)

PERMISSIONS: dict[str, frozenset[str]] = {
    action: frozenset(roles)
    for action, roles in {
        "open": {CW},
        "list": {CW, AUDITOR, BROKER},
        "read": {CW, AUDITOR, BROKER, FAMILY},
        "allocate": {CW},
        "instalments": {CW},
        "spend": {CW, BROKER},
        "submit_return": {CW, BROKER, FAMILY},
        "decide_return": {CW},
        "recover": {CW},
        "trial": {CW},
        "trial_spend": {CW, BROKER},
        "raise_dispute": {CW, FAMILY},
        "resolve_dispute": {CW},
        "review": {CW},
        "status": {CW},
        "history": {CW, AUDITOR, FAMILY},
        "state_as_of": {CW, AUDITOR},
        "verify": {AUDITOR},
        "ras": {CW, AUDITOR},
        "assess": {CW},
        "analytics_spending": {COMMISSIONER, AUDITOR},
        "analytics_portfolio": {COMMISSIONER, AUDITOR},
        "analytics_monitoring": {COMMISSIONER, CW},
        "envelopes": {COMMISSIONER, ADMIN},
        "keys": {ADMIN},
    }.items()
}


def authorize(actor: Actor, action: str, budget: Any | None = None) -> None:
    """Raise `Forbidden` unless `actor` may do `action` (on `budget`, if given)."""
    if actor.role not in PERMISSIONS[action]:
        raise Forbidden(f"a {actor.role} may not {action.replace('_', ' ')}")
    if budget is not None and not in_scope(actor, budget):
        raise Forbidden(f"budget {budget.reference} is outside this {actor.role}'s scope")


def is_scoped(actor: Actor) -> bool:
    """Brokers and families see only some budgets."""
    return actor.role in (BROKER, FAMILY)


def in_scope(actor: Actor, budget: Any) -> bool:
    if actor.role == BROKER:
        return actor.org is not None and budget.broker_org == actor.org
    if actor.role == FAMILY:
        return actor.family is not None and budget.family_ref == actor.family
    return True
