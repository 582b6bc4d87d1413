"""The design's closed word lists, checked where commands enter the domain."""

from __future__ import annotations

from ledger.errors import InvalidChoice

STREAMS = ("social_care", "health", "education")
MANAGEMENT = ("direct_payment", "managed_account", "broker_held", "council_managed")
CATEGORIES = (
    "personal_assistant",
    "residential_overnight",
    "short_term_foster_care",
    "outreach",
    "befriending",
    "home_care",
    "community_activity",
    "equipment",
    "training",
    "transport",
    "other",
)
UNITS = ("hours", "nights", "sessions", "items", "days")
DISPUTE_SUBJECTS = ("allocation", "spend", "instalment", "monitoring_return")
DISPUTE_OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
TRIAL_OUTCOMES = ("adopted", "abandoned")
ROLES = ("caseworker", "broker", "family", "auditor", "commissioner", "admin")
STATUSES = ("open", "active", "suspended", "closed")


def check_choice(kind: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidChoice(f"{kind} {value!r} is not one of {', '.join(allowed)}")
    return value
