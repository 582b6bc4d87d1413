"""Least privilege: which role may do what, and on whose budgets.

One table for the whole ledger, checked by the application service, so the API,
the command line and any future client are held to the same rules. Brokers act
only on budgets of their own organisation, families only on their own budgets.

Actions are a `StrEnum`: a member *is* its string, so callers that still pass
`"open"` keep working while new code names `Action.OPEN` and a typo fails at
import time. The refusal message is a sentence a caseworker can read aloud.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import Role
from ledger.errors import Forbidden


class Action(StrEnum):
    """Everything a key may be allowed to do; the value is the phrase used in refusals."""

    OPEN = "open"
    LIST = "list"
    READ = "read"
    ALLOCATE = "allocate"
    INSTALMENTS = "instalments"
    SPEND = "spend"
    SUBMIT_RETURN = "submit_return"
    DECIDE_RETURN = "decide_return"
    RECOVER = "recover"
    TRIAL = "trial"
    TRIAL_SPEND = "trial_spend"
    RAISE_DISPUTE = "raise_dispute"
    RESOLVE_DISPUTE = "resolve_dispute"
    REVIEW = "review"
    STATUS = "status"
    HISTORY = "history"
    STATE_AS_OF = "state_as_of"
    VERIFY = "verify"
    RAS = "ras"
    ASSESS = "assess"
    ANALYTICS_SPENDING = "analytics_spending"
    ANALYTICS_PORTFOLIO = "analytics_portfolio"
    ANALYTICS_MONITORING = "analytics_monitoring"
    ENVELOPES = "envelopes"
    KEYS = "keys"
    # operations (ledger.ops, api.health)
    METRICS = "metrics"
    # --- security (issue 14) ---
    ACCESS_LOG = "access_log"
    # --- the whole-ledger proof and dispute packs (audit) ---
    CHECKPOINTS = "checkpoints"
    STATEMENT = "statement"
    DISPUTE_PACK = "dispute_pack"


CW, BROKER, FAMILY = Role.CASEWORKER, Role.BROKER, Role.FAMILY
AUDITOR, COMMISSIONER, ADMIN = Role.AUDITOR, Role.COMMISSIONER, Role.ADMIN

PERMISSIONS: dict[Action, frozenset[Role]] = {
    action: frozenset(roles)
    for action, roles in {
        Action.OPEN: {CW},
        Action.LIST: {CW, AUDITOR, BROKER, FAMILY},
        Action.READ: {CW, AUDITOR, BROKER, FAMILY},
        Action.ALLOCATE: {CW},
        Action.INSTALMENTS: {CW},
        Action.SPEND: {CW, BROKER},
        Action.SUBMIT_RETURN: {CW, BROKER, FAMILY},
        Action.DECIDE_RETURN: {CW},
        Action.RECOVER: {CW},
        Action.TRIAL: {CW},
        Action.TRIAL_SPEND: {CW, BROKER},
        Action.RAISE_DISPUTE: {CW, FAMILY},
        Action.RESOLVE_DISPUTE: {CW},
        Action.REVIEW: {CW},
        Action.STATUS: {CW},
        Action.HISTORY: {CW, AUDITOR, FAMILY},
        Action.STATE_AS_OF: {CW, AUDITOR},
        Action.VERIFY: {AUDITOR},
        Action.RAS: {CW, AUDITOR},
        Action.ASSESS: {CW},
        Action.ANALYTICS_SPENDING: {COMMISSIONER, AUDITOR},
        Action.ANALYTICS_PORTFOLIO: {COMMISSIONER, AUDITOR},
        Action.ANALYTICS_MONITORING: {COMMISSIONER, CW},
        Action.ENVELOPES: {COMMISSIONER, ADMIN},
        Action.KEYS: {ADMIN},
        # operations
        Action.METRICS: {ADMIN},
        # --- security (issue 14) ---
        Action.ACCESS_LOG: {AUDITOR, ADMIN},
        # --- audit ---
        Action.CHECKPOINTS: {AUDITOR, ADMIN},
        Action.STATEMENT: {CW, AUDITOR, BROKER, FAMILY},
        Action.DISPUTE_PACK: {CW, AUDITOR, FAMILY},
    }.items()
}

#: what each action is, as the end of "An auditor key may not ..."
DOING: dict[Action, str] = {
    Action.OPEN: "open budgets",
    Action.LIST: "list budgets",
    Action.READ: "read budgets",
    Action.ALLOCATE: "decide or revise allocations",
    Action.INSTALMENTS: "schedule, release or cancel instalments",
    Action.SPEND: "record or reverse spends",
    Action.SUBMIT_RETURN: "submit monitoring returns",
    Action.DECIDE_RETURN: "accept or query monitoring returns",
    Action.RECOVER: "recover surplus funds",
    Action.TRIAL: "start or conclude trials",
    Action.TRIAL_SPEND: "record trial spends",
    Action.RAISE_DISPUTE: "raise disputes",
    Action.RESOLVE_DISPUTE: "resolve disputes",
    Action.REVIEW: "record reviews",
    Action.STATUS: "suspend, resume or close budgets",
    Action.HISTORY: "read a budget's history",
    Action.STATE_AS_OF: "read a budget as it stood in the past",
    Action.VERIFY: "verify a budget's hash chain",
    Action.RAS: "read RAS schemes",
    Action.ASSESS: "run RAS assessments",
    Action.ANALYTICS_SPENDING: "read spending analytics",
    Action.ANALYTICS_PORTFOLIO: "read the portfolio",
    Action.ANALYTICS_MONITORING: "read monitoring analytics",
    Action.ENVELOPES: "set funding envelopes",
    Action.KEYS: "manage API keys",
    # operations
    Action.METRICS: "read the service's metrics",
    # --- security (issue 14) ---
    Action.ACCESS_LOG: "read the log of who read which family's data",
    # --- audit ---
    Action.CHECKPOINTS: "make or list the ledger's checkpoints",
    Action.STATEMENT: "read a budget's statement",
    Action.DISPUTE_PACK: "read a budget's dispute pack",
}


def role_key(role: str) -> str:
    """'An admin key', 'A family key': the caller as a sentence's subject."""
    article = "An" if role[:1] in "aeiou" else "A"
    return f"{article} {role} key"


def authorize(actor: Actor, action: str, budget: Any | None = None) -> None:
    """Raise `Forbidden` unless `actor` may do `action` (on `budget`, if given)."""
    action = Action(action)
    if actor.role not in PERMISSIONS[action]:
        raise Forbidden(f"{role_key(actor.role)} may not {DOING[action]}.")
    if budget is not None and not in_scope(actor, budget):
        raise Forbidden(out_of_scope(actor))


# --- security: refusals that reveal nothing (issue 14) ------------------------------
def out_of_scope(actor: Actor) -> str:
    """The one refusal a scoped caller hears for a budget it may not see *or* that does not exist.

    It names neither the budget's id nor its reference (which can hold a council's case
    number), and reads the same either way, so a broker or family key cannot probe
    which budgets exist.
    """
    return f"{role_key(actor.role)} may see only its own budgets; this is not one of them."


def is_scoped(actor: Actor) -> bool:
    """Brokers and families see only some budgets."""
    return actor.role in (BROKER, FAMILY)


def in_scope(actor: Actor, budget: Any) -> bool:
    if actor.role == BROKER:
        return actor.org is not None and budget.broker_org == actor.org
    if actor.role == FAMILY:
        return actor.family is not None and budget.family_ref == actor.family
    return True
