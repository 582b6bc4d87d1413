"""The design's closed word lists, declared once and shared by the domain, the API and the read side.

Each is a `StrEnum`: a member *is* its string, so it travels through JSON, the
hash chain and SQL unchanged, while code and OpenAPI see the closed list.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from ledger.errors import InvalidChoice


class FundingStream(StrEnum):
    SOCIAL_CARE = "social_care"
    HEALTH = "health"
    EDUCATION = "education"


class Management(StrEnum):
    DIRECT_PAYMENT = "direct_payment"
    MANAGED_ACCOUNT = "managed_account"
    BROKER_HELD = "broker_held"
    COUNCIL_MANAGED = "council_managed"


class Category(StrEnum):
    PERSONAL_ASSISTANT = "personal_assistant"
    RESIDENTIAL_OVERNIGHT = "residential_overnight"
    SHORT_TERM_FOSTER_CARE = "short_term_foster_care"
    OUTREACH = "outreach"
    BEFRIENDING = "befriending"
    HOME_CARE = "home_care"
    COMMUNITY_ACTIVITY = "community_activity"
    EQUIPMENT = "equipment"
    TRAINING = "training"
    TRANSPORT = "transport"
    OTHER = "other"


class Unit(StrEnum):
    HOURS = "hours"
    NIGHTS = "nights"
    SESSIONS = "sessions"
    ITEMS = "items"
    DAYS = "days"


class ProviderKind(StrEnum):
    """Who a register entry is: never a person's name, only what kind of provider it is."""

    ORGANISATION = "organisation"
    PERSONAL_ASSISTANT = "personal_assistant"
    FOSTER_CARER = "foster_carer"


class ApprovalKind(StrEnum):
    """What a provider may be approved for; `medical_task_training` names the task it covers."""

    APPROVED_FOSTER_CARER = "approved_foster_carer"
    REGISTERED_CARE_PROVIDER = "registered_care_provider"
    BACKGROUND_CHECK = "background_check"
    MEDICAL_TASK_TRAINING = "medical_task_training"


class DisputeSubject(StrEnum):
    ALLOCATION = "allocation"
    SPEND = "spend"
    INSTALMENT = "instalment"
    MONITORING_RETURN = "monitoring_return"


class DisputeOutcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class TrialOutcome(StrEnum):
    ADOPTED = "adopted"
    ABANDONED = "abandoned"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    BROKER = "broker"
    FAMILY = "family"
    AUDITOR = "auditor"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


class BudgetStatus(StrEnum):
    OPEN = "open"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class InstalmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    RELEASED = "released"
    CANCELLED = "cancelled"


class ReturnStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    QUERIED = "queried"


class TrialStatus(StrEnum):
    OPEN = "open"
    ADOPTED = "adopted"
    ABANDONED = "abandoned"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


E = TypeVar("E", bound=StrEnum)


def check_choice(kind: str, value: str, allowed: type[E]) -> E:
    """`value` as a member of `allowed`, or `InvalidChoice` naming the words it may be."""
    try:
        return allowed(value)
    except ValueError:
        words = ", ".join(member.value for member in allowed)
        raise InvalidChoice(f"{kind} {value!r} is not one of {words}") from None
