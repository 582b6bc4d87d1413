"""The provider register: whoever a budget pays, by reference, and the approvals they hold.

Design: one small aggregate per provider, its id derived from its reference
(like `BudgetReference`), so a reference is registered once across processes
without a lock. The register keeps no person's name: a reference, a kind and
whether the provider is the council's own (in-house) service. Approvals carry
their validity dates and evidence reference; a revocation takes effect from a
date and keeps the approval on the record.

A budget never loads a provider itself: the application hands it the provider's
`Standing`, a frozen copy of what the scheme's rules need (in-house, and each
approval's validity), and the budget's scheme decides (`ledger.aggregates.provider_rules`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import errors
from ledger.aggregates.actor import Actor
from ledger.aggregates.base import require_text
from ledger.aggregates.text import check_fields
from ledger.aggregates.vocabulary import ApprovalKind, ProviderKind, check_choice

NAMESPACE = uuid5(NAMESPACE_URL, "https://ledger.invalid/provider")
INDEX_ID: UUID = uuid5(NAMESPACE_URL, "https://ledger.invalid/provider-index")
#: a reference, not a name: capitals, digits and separators, with at least one digit ("PA-0042")
REFERENCE = re.compile(r"^(?=[^0-9]*[0-9])[A-Z0-9]+(?:[-/.][A-Z0-9]+)*$")
#: a medical task's name is a word of the council's list ("tracheostomy_care"), not free text
TASK = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


def provider_id(reference: str) -> UUID:
    return uuid5(NAMESPACE, reference)


def check_reference(reference: str) -> str:
    if len(reference) > 40 or not REFERENCE.match(reference):
        raise errors.InvalidProviderReference(
            f"provider reference {reference[:40]!r} is not a reference such as PA-0042: "
            "capital letters, digits and hyphens, with at least one digit, never a person's name"
        )
    return reference


def check_task(task: str) -> str:
    if not TASK.match(task):
        raise errors.InvalidApproval(
            f"medical task {task[:60]!r} is a lower-case word of the council's list, e.g. tracheostomy_care"
        )
    return task


@dataclass(frozen=True)
class Approval:
    approval_id: str
    approval: str
    task: str | None
    valid_from: date
    valid_to: date
    evidence_ref: str
    revoked_from: date | None = None
    revocation_reason: str | None = None

    def valid_on(self, day: date) -> bool:
        """In force on `day`: within its dates and not yet revoked."""
        revoked = self.revoked_from is not None and day >= self.revoked_from
        return self.valid_from <= day <= self.valid_to and not revoked

    def covers(self, approval: str, task: str | None, day: date) -> bool:
        return self.approval == approval and (task is None or self.task == task) and self.valid_on(day)


@dataclass(frozen=True)
class Standing:
    """A provider as a budget's rules see it: what the scheme asks about, frozen at the spend."""

    provider_id: str
    reference: str
    kind: str
    in_house: bool
    approvals: tuple[Approval, ...]

    def holds(self, approval: str, day: date, task: str | None = None) -> bool:
        return any(a.covers(approval, task, day) for a in self.approvals)


class Provider(Aggregate):
    """A register entry: a reference, a kind, in-house or not, and its approvals."""

    class Registered(Aggregate.Created):
        reference: str
        kind: str
        in_house: bool
        actor_id: str
        actor_role: str

    class ApprovalRecorded(Aggregate.Event):
        approval_id: str
        approval: str
        task: str | None
        valid_from: date
        valid_to: date
        evidence_ref: str
        actor_id: str
        actor_role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.approvals[self.approval_id] = Approval(
                self.approval_id, self.approval, self.task, self.valid_from, self.valid_to, self.evidence_ref
            )

    class ApprovalRevoked(Aggregate.Event):
        approval_id: str
        reason: str
        effective_on: date
        actor_id: str
        actor_role: str

        def apply(self, aggregate: Any) -> None:
            held = aggregate.approvals[self.approval_id]
            aggregate.approvals[self.approval_id] = Approval(
                **{**vars(held), "revoked_from": self.effective_on, "revocation_reason": self.reason}
            )

    @staticmethod
    def create_id(reference: str, **_: Any) -> UUID:
        return provider_id(reference)

    def __init__(self, reference: str, kind: str, in_house: bool, actor_id: str, actor_role: str) -> None:
        self.reference = reference
        self.kind = kind
        self.in_house = in_house
        self.registered_by = actor_id
        self.approvals: dict[str, Approval] = {}

    @classmethod
    def register(cls, actor: Actor, reference: str, kind: str, in_house: bool) -> Provider:
        check_reference(reference)
        checked = check_choice("provider kind", kind, ProviderKind)
        return cls._create(
            cls.Registered,
            id=provider_id(reference),
            reference=reference,
            kind=str(checked),
            in_house=bool(in_house),
            actor_id=actor.id,
            actor_role=actor.role,
        )

    def approve(
        self,
        actor: Actor,
        approval: str,
        valid_from: date,
        valid_to: date,
        evidence_ref: str,
        task: str | None = None,
    ) -> str:
        checked = check_choice("approval", approval, ApprovalKind)
        if checked == ApprovalKind.MEDICAL_TASK_TRAINING:
            if task is None:
                raise errors.InvalidApproval("medical_task_training names the task it trains for")
            check_task(task)
        elif task is not None:
            raise errors.InvalidApproval(f"only medical_task_training names a task, not {checked}")
        if valid_to < valid_from:
            raise errors.InvalidApproval(f"valid_to {valid_to} is before valid_from {valid_from}")
        require_text("evidence_ref", evidence_ref)
        check_fields({"evidence_ref": evidence_ref})
        approval_id = f"A{len(self.approvals) + 1}"
        self.trigger_event(
            self.ApprovalRecorded,
            approval_id=approval_id,
            approval=str(checked),
            task=task,
            valid_from=valid_from,
            valid_to=valid_to,
            evidence_ref=evidence_ref,
            actor_id=actor.id,
            actor_role=actor.role,
        )
        return approval_id

    def revoke(self, actor: Actor, approval_id: str, reason: str, effective_on: date) -> None:
        held = self.approvals.get(approval_id)
        if held is None:
            raise errors.ItemNotFound(f"provider {self.reference} has no approval {approval_id}")
        if held.revoked_from is not None:
            raise errors.ApprovalAlreadyRevoked(f"approval {approval_id} was revoked already")
        require_text("reason", reason)
        self.trigger_event(
            self.ApprovalRevoked,
            approval_id=approval_id,
            reason=reason,
            effective_on=effective_on,
            actor_id=actor.id,
            actor_role=actor.role,
        )

    def standing(self) -> Standing:
        return Standing(
            str(self.id), self.reference, self.kind, self.in_house, tuple(self.approvals.values())
        )

    def expiring(self, start: date, end: date) -> list[Approval]:
        """Approvals still in force on `start` whose validity ends by `end`."""
        return [a for a in self.approvals.values() if a.valid_on(start) and a.valid_to <= end]


class ProviderIndex(Aggregate):
    """Every registered provider's id, in the order registered: what `GET /v1/providers` walks."""

    @staticmethod
    def create_id() -> UUID:
        return INDEX_ID

    @event("Created")
    def __init__(self) -> None:
        self.provider_ids: list[str] = []

    @event("Listed")
    def list_provider(self, provider_id: str) -> None:
        self.provider_ids.append(provider_id)
