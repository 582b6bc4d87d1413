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
    # --- budget schemes (ledger.schemes) ---
    SCHEMES = "schemes"
    RELEASE = "release"
    TAKE_RETURN = "take_return"
    CONFIRM_BANK_ACCOUNT = "confirm_bank_account"
    APPROVE_SPEND = "approve_spend"
    MONITORING = "monitoring"
    SURPLUS = "surplus"
    #: spends one at a time: a family records (and reverses) its own where its scheme lets it
    RECORD_SPEND = "record_spend"
    # operations (ledger.ops, api.health)
    METRICS = "metrics"
    # --- security (issue 14) ---
    ACCESS_LOG = "access_log"
    # --- the whole-ledger proof and dispute packs (audit) ---
    CHECKPOINTS = "checkpoints"
    STATEMENT = "statement"
    DISPUTE_PACK = "dispute_pack"
    # --- the decision pathway (issue 9) ---
    PLAN = "plan"
    PLAN_VS_ACTUAL = "plan_vs_actual"
    ANALYTICS_PLANS = "analytics_plans"
    # --- providers (issue 10) ---
    PROVIDERS_WRITE = "providers_write"
    PROVIDERS_READ = "providers_read"
    ANALYTICS_PROVIDERS = "analytics_providers"
    # --- erasure of a family's free text (ledger.erasure) ---
    ERASE_FAMILY_TEXT = "erase_family_text"


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
        Action.RAS: {CW, AUDITOR, FAMILY},  # a family reads the published RAS it was assessed with
        Action.ASSESS: {CW},
        Action.ANALYTICS_SPENDING: {COMMISSIONER, AUDITOR},
        Action.ANALYTICS_PORTFOLIO: {COMMISSIONER, AUDITOR},
        Action.ANALYTICS_MONITORING: {COMMISSIONER, CW},
        Action.ENVELOPES: {COMMISSIONER, ADMIN},
        Action.KEYS: {ADMIN},
        # --- budget schemes: a broker acts here only as its scheme's payments administrator ---
        Action.SCHEMES: {CW, AUDITOR, BROKER, FAMILY},
        Action.RELEASE: {CW, BROKER},
        Action.TAKE_RETURN: {CW, BROKER},
        Action.CONFIRM_BANK_ACCOUNT: {CW, BROKER},
        Action.APPROVE_SPEND: {CW},
        Action.MONITORING: {CW, AUDITOR, BROKER, FAMILY},
        Action.SURPLUS: {CW, COMMISSIONER, AUDITOR},
        Action.RECORD_SPEND: {CW, BROKER, FAMILY},
        # operations
        Action.METRICS: {ADMIN},
        # --- security (issue 14) ---
        Action.ACCESS_LOG: {AUDITOR, ADMIN},
        # --- audit ---
        Action.CHECKPOINTS: {AUDITOR, ADMIN},
        Action.STATEMENT: {CW, AUDITOR, BROKER, FAMILY},
        Action.DISPUTE_PACK: {CW, AUDITOR, FAMILY},
        # --- the decision pathway: brokers read the plans of their own budgets to help families use them
        Action.PLAN: {CW},
        Action.PLAN_VS_ACTUAL: {CW, AUDITOR, BROKER, FAMILY},
        Action.ANALYTICS_PLANS: {COMMISSIONER, AUDITOR},
        # --- providers: brokers read the register to match families with approved providers ---
        Action.PROVIDERS_WRITE: {CW, ADMIN},
        Action.PROVIDERS_READ: {CW, BROKER, AUDITOR},
        Action.ANALYTICS_PROVIDERS: {COMMISSIONER, AUDITOR},
        Action.ERASE_FAMILY_TEXT: {ADMIN},
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
    Action.SCHEMES: "read budget schemes",
    Action.RELEASE: "release instalments",
    Action.TAKE_RETURN: "accept or query monitoring returns",
    Action.CONFIRM_BANK_ACCOUNT: "confirm bank accounts",
    Action.APPROVE_SPEND: "approve or reject spends",
    Action.MONITORING: "read a budget's monitoring",
    Action.SURPLUS: "read surplus budgets",
    Action.RECORD_SPEND: "record or reverse spends",
    # operations
    Action.METRICS: "read the service's metrics",
    # --- security (issue 14) ---
    Action.ACCESS_LOG: "read the log of who read which family's data",
    # --- audit ---
    Action.CHECKPOINTS: "make or list the ledger's checkpoints",
    Action.STATEMENT: "read a budget's statement",
    Action.DISPUTE_PACK: "read a budget's dispute pack",
    Action.PLAN: "record indicative budgets, support plans, panel decisions or previous packages",
    Action.PLAN_VS_ACTUAL: "read a budget's plan versus actual",
    Action.ANALYTICS_PLANS: "read plan analytics",
    # --- providers ---
    Action.PROVIDERS_WRITE: "register providers or record their approvals",
    Action.PROVIDERS_READ: "read the provider register",
    Action.ANALYTICS_PROVIDERS: "read unit costs by provider",
    Action.ERASE_FAMILY_TEXT: "erase a family's free text",
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
    if budget is not None and not in_scope(actor, budget, action):
        raise Forbidden(out_of_scope(actor))
    if budget is not None:
        scheme_allows(actor, action, budget)


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


def in_scope(actor: Actor, budget: Any, action: Action | None = None) -> bool:
    if actor.role == BROKER:
        if actor.org is not None and administers(actor, budget) and action in ADMINISTERED:
            return True
        return actor.org is not None and budget.broker_org == actor.org
    if actor.role == FAMILY:
        return actor.family is not None and budget.family_ref == actor.family
    return True


# --- budget schemes: who may do what as the scheme says ---------------------------------------
#: what the payments administrator named by a budget's scheme does for every budget of that scheme
ADMINISTERED = frozenset(
    {Action.READ, Action.RELEASE, Action.TAKE_RETURN, Action.SUBMIT_RETURN, Action.CONFIRM_BANK_ACCOUNT}
)
#: what a broker does on its own budgets only as their scheme's payments administrator
ADMINISTRATOR_ONLY = frozenset({Action.RELEASE, Action.TAKE_RETURN, Action.CONFIRM_BANK_ACCOUNT})


def administers(actor: Actor, budget: Any) -> bool:
    """Is the caller's organisation the payments administrator of the budget's scheme?"""
    scheme = getattr(budget, "scheme", None)
    return scheme is not None and actor.org is not None and scheme.payments_administrator == actor.org


def scheme_allows(actor: Actor, action: Action, budget: Any) -> None:
    """The budget's scheme names who releases, takes returns and records spends besides caseworkers."""
    scheme = getattr(budget, "scheme", None)
    if scheme is None:
        return
    if actor.role == BROKER and action in ADMINISTRATOR_ONLY and not administers(actor, budget):
        raise Forbidden(
            f"Only a caseworker or the payments administrator of scheme {scheme.id} may "
            f"{DOING[action]} on budget {budget.reference}."
        )
    if actor.role == FAMILY and action == Action.RECORD_SPEND and not scheme.family_records_spends:
        raise Forbidden(f"Scheme {scheme.id} does not let a family record its own spends.")
