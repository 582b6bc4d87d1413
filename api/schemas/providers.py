"""The provider register on the wire: what a caseworker sends, what a broker reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.types import Day, Reason, Ref, Task
from ledger.aggregates.provider import Approval, Provider
from ledger.aggregates.vocabulary import ApprovalKind, ProviderKind


def _strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class ProviderIn(BaseModel):
    model_config = _strict({"reference": "PA-0042", "kind": "personal_assistant", "in_house": False})

    reference: str = Field(
        min_length=2,
        max_length=40,
        description="the council's reference (capitals, digits, hyphens, with a digit), never a name",
    )
    kind: ProviderKind
    in_house: StrictBool = Field(description="the council's own service")


class ApprovalIn(BaseModel):
    model_config = _strict(
        {
            "approval": "approved_foster_carer",
            "valid_from": "2026-04-01",
            "valid_to": "2027-03-31",
            "evidence_ref": "FOSTER-PANEL-2026-031",
        },
        {
            "approval": "medical_task_training",
            "task": "tracheostomy_care",
            "valid_from": "2026-04-01",
            "valid_to": "2027-03-31",
            "evidence_ref": "CCN-TRAINING-118",
        },
    )

    approval: ApprovalKind
    task: Task | None = Field(
        default=None, description="the medical task trained for (medical_task_training)"
    )
    valid_from: Day
    valid_to: Day
    evidence_ref: Ref


class RevocationIn(BaseModel):
    model_config = _strict({"reason": "deregistered by the fostering panel", "effective_on": "2026-09-01"})

    reason: Reason
    effective_on: Day | None = Field(
        default=None, description="service dates from this day are no longer covered (default: today)"
    )


class ApprovalOut(BaseModel):
    approval_id: str
    approval: str
    task: str | None
    valid_from: date
    valid_to: date
    evidence_ref: str
    revoked_from: date | None
    revocation_reason: str | None

    @classmethod
    def of(cls, approval: Approval) -> ApprovalOut:
        return cls.model_validate(vars(approval))


class ProviderOut(BaseModel):
    provider_id: str
    reference: str
    kind: str
    in_house: bool
    version: int
    approvals: list[ApprovalOut]

    @classmethod
    def of(cls, provider: Provider) -> ProviderOut:
        return cls(
            provider_id=str(provider.id),
            reference=provider.reference,
            kind=provider.kind,
            in_house=provider.in_house,
            version=provider.version,
            approvals=[ApprovalOut.of(a) for a in provider.approvals.values()],
        )


class ProvidersOut(BaseModel):
    providers: list[ProviderOut]


class ApprovalAnswer(BaseModel):
    approval_id: str
    provider: ProviderOut


class ExpiringOut(BaseModel):
    provider_id: str
    reference: str
    approval: ApprovalOut


class ExpiringPage(BaseModel):
    within_days: int
    approvals: list[ExpiringOut]
