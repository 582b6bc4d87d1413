"""The provider register: who may be paid, by reference, and the approvals they hold (issue 10)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Query

from api.deps import ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas.providers import (
    ApprovalAnswer,
    ApprovalIn,
    ApprovalOut,
    ExpiringOut,
    ExpiringPage,
    ProviderIn,
    ProviderOut,
    ProvidersOut,
    RevocationIn,
)
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.aggregates.vocabulary import ApprovalKind, ProviderKind
from ledger.providers import (
    approve_provider,
    expiring_approvals,
    list_providers,
    read_provider,
    register_provider,
    revoke_approval,
)

router = v1_router(prefix="/providers", tags=["providers"], responses=problem_responses(401, 403, 422, 500))
Writer = Annotated[Actor, allowed(Action.PROVIDERS_WRITE)]
Reader = Annotated[Actor, allowed(Action.PROVIDERS_READ)]
ProviderPath = Annotated[UUID, Path(description="the provider's id in the register")]
ApprovalPath = Annotated[str, Path(min_length=2, max_length=10, pattern=r"^A[0-9]+$")]


@router.post(
    "",
    status_code=201,
    responses={
        **problem_responses(409, 413, 415),
        **conflicts(errors.ProviderReferenceTaken, errors.ConcurrentUpdate),
    },
)
def register(body: ProviderIn, actor: Writer, service: ServiceDep, write: WriteDep) -> ProviderOut:
    """Register a provider by reference (caseworker, admin); answers its `provider_id`."""
    once = write.once(lambda provider, _id, _full: ProviderOut.of(provider))
    outcome = register_provider(service, actor, body.reference, body.kind, body.in_house, once=once)
    return write.done(outcome.position, ProviderOut.of(outcome.provider))


@router.get("")
def list_register(
    actor: Reader,
    service: ServiceDep,
    kind: ProviderKind | None = None,
    approval: Annotated[
        ApprovalKind | None, Query(description="only providers holding this approval, valid today")
    ] = None,
) -> ProvidersOut:
    """The register (caseworker, broker, auditor): a broker matches a family to an approved provider."""
    found = list_providers(service, actor, kind, approval)
    return ProvidersOut(providers=[ProviderOut.of(p) for p in found])


@router.get("/approvals/expiring")
def expiring(
    actor: Reader,
    service: ServiceDep,
    within_days: Annotated[int, Query(ge=0, le=366, description="days from today")] = 30,
) -> ExpiringPage:
    """Approvals in force today that end within `within_days` (caseworker, broker, auditor)."""
    found = expiring_approvals(service, actor, within_days)
    return ExpiringPage(
        within_days=within_days,
        approvals=[
            ExpiringOut(provider_id=str(p.id), reference=p.reference, approval=ApprovalOut.of(a))
            for p, a in found
        ],
    )


@router.get("/{provider_id}", responses=problem_responses(404))
def read(provider_id: ProviderPath, actor: Reader, service: ServiceDep) -> ProviderOut:
    """One provider and its approvals (caseworker, broker, auditor)."""
    return ProviderOut.of(read_provider(service, actor, provider_id))


@router.post(
    "/{provider_id}/approvals",
    status_code=201,
    responses={**problem_responses(404, 409, 413, 415), **conflicts(errors.ConcurrentUpdate)},
)
def approve(
    provider_id: ProviderPath, body: ApprovalIn, actor: Writer, service: ServiceDep, write: WriteDep
) -> ApprovalAnswer:
    """Record an approval with its validity and evidence reference (caseworker, admin)."""
    once = write.once(lambda p, aid, _full: ApprovalAnswer(approval_id=aid, provider=ProviderOut.of(p)))
    outcome = approve_provider(
        service,
        actor,
        provider_id,
        body.approval,
        body.valid_from,
        body.valid_to,
        body.evidence_ref,
        body.task,
        once=once,
    )
    answer = ApprovalAnswer(approval_id=outcome.result, provider=ProviderOut.of(outcome.provider))
    return write.done(outcome.position, answer)


@router.post(
    "/{provider_id}/approvals/{approval_id}/revocation",
    responses={
        **problem_responses(404, 409, 413, 415),
        **conflicts(errors.ApprovalAlreadyRevoked, errors.ConcurrentUpdate),
    },
)
def revoke(
    provider_id: ProviderPath,
    approval_id: ApprovalPath,
    body: RevocationIn,
    actor: Writer,
    service: ServiceDep,
    write: WriteDep,
) -> ApprovalAnswer:
    """Revoke an approval from a date, with a reason (caseworker, admin); it stays on the record."""
    once = write.once(lambda p, aid, _full: ApprovalAnswer(approval_id=aid, provider=ProviderOut.of(p)))
    outcome = revoke_approval(
        service, actor, provider_id, approval_id, body.reason, body.effective_on, once=once
    )
    answer = ApprovalAnswer(approval_id=outcome.result, provider=ProviderOut.of(outcome.provider))
    return write.done(outcome.position, answer)
