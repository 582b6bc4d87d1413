"""The provider register's use cases: register, approve, revoke, find, list, approvals expiring.

Each provider is its own aggregate (`ledger.aggregates.provider`); a small index
aggregate (`ProviderIndex`, a fixed id) lists them, saved in the same transaction
as each registration, so the listing never misses a provider. A second
registration of a reference collides on the provider's derived id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.access import Action, authorize
from ledger.aggregates.actor import Actor
from ledger.aggregates.provider import INDEX_ID, Approval, Provider, ProviderIndex, Standing, provider_id
from ledger.idempotency import Once, records

ATTEMPTS = 5
T = TypeVar("T")


@dataclass(frozen=True)
class ProviderOutcome(Generic[T]):
    provider: Provider
    result: T
    position: int | None


def _get(app: Application[Any], aggregate_id: UUID) -> Any:
    try:
        return app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def load_provider(app: Application[Any], pid: UUID | str) -> Provider:
    try:
        key = pid if isinstance(pid, UUID) else UUID(pid)
    except ValueError:
        raise errors.ProviderNotFound(f"no provider {pid}") from None
    found = _get(app, key)
    if not isinstance(found, Provider):
        raise errors.ProviderNotFound(f"no provider {pid}")
    return found


def standing_of(app: Application[Any], pid: str | None) -> Standing | None:
    """The provider a spend names, as the budget's rules see it (None: no provider named, or unknown)."""
    if pid is None:
        return None
    try:
        return load_provider(app, pid).standing()
    except errors.ProviderNotFound:
        return None


def register_provider(
    app: Application[Any], actor: Actor, reference: str, kind: str, in_house: bool, once: Once | None = None
) -> ProviderOutcome[UUID]:
    authorize(actor, Action.PROVIDERS_WRITE)
    for _ in range(ATTEMPTS):
        if once:
            once.check(app.repository)
        if _get(app, provider_id(reference)) is not None:
            raise errors.ProviderReferenceTaken(f"provider reference {reference!r} is registered already")
        provider = Provider.register(actor, reference, kind, in_house)
        index = _get(app, INDEX_ID) or ProviderIndex()
        index.list_provider(str(provider.id))
        try:
            recordings = app.save(provider, index, *records(once, provider, provider.id))
        except IntegrityError:  # the index moved on, or the same reference won a race: look again
            continue
        return ProviderOutcome(provider, provider.id, recordings[-1].notification.id)
    raise errors.ConcurrentUpdate("the provider register kept changing; try again")


def change_provider(
    app: Application[Any], actor: Actor, pid: UUID, command: Any, once: Once | None = None
) -> ProviderOutcome[Any]:
    """Load, run `command` on the provider, save; retried on a lost race."""
    authorize(actor, Action.PROVIDERS_WRITE)
    for _ in range(ATTEMPTS):
        provider = load_provider(app, pid)
        if once:
            once.check(app.repository)
        result = command(provider)
        try:
            recordings = app.save(provider, *records(once, provider, result))
        except IntegrityError:
            continue
        return ProviderOutcome(provider, result, recordings[-1].notification.id)
    raise errors.ConcurrentUpdate(f"provider {pid} kept changing; try again")


def approve_provider(
    app: Application[Any],
    actor: Actor,
    pid: UUID,
    approval: str,
    valid_from: date,
    valid_to: date,
    evidence_ref: str,
    task: str | None = None,
    once: Once | None = None,
) -> ProviderOutcome[str]:
    return change_provider(
        app,
        actor,
        pid,
        lambda p: p.approve(actor, approval, valid_from, valid_to, evidence_ref, task),
        once=once,
    )


def revoke_approval(
    app: Application[Any],
    actor: Actor,
    pid: UUID,
    approval_id: str,
    reason: str,
    effective_on: date | None = None,
    once: Once | None = None,
) -> ProviderOutcome[str]:
    """Revoke from `effective_on` (default: today, UTC); service dates before it stay covered."""
    day = effective_on or datetime.now(UTC).date()

    def revoke(provider: Provider) -> str:
        provider.revoke(actor, approval_id, reason, day)
        return approval_id

    return change_provider(app, actor, pid, revoke, once=once)


def read_provider(app: Application[Any], actor: Actor, pid: UUID) -> Provider:
    authorize(actor, Action.PROVIDERS_READ)
    return load_provider(app, pid)


def list_providers(
    app: Application[Any],
    actor: Actor,
    kind: str | None = None,
    approval: str | None = None,
    on: date | None = None,
) -> list[Provider]:
    """The register, in the order registered; with `approval`, only providers holding it valid `on`."""
    authorize(actor, Action.PROVIDERS_READ)
    index = _get(app, INDEX_ID)
    providers = [load_provider(app, pid) for pid in (index.provider_ids if index else [])]
    day = on or datetime.now(UTC).date()
    return [
        p
        for p in providers
        if (kind is None or p.kind == kind) and (approval is None or p.standing().holds(approval, day))
    ]


def expiring_approvals(
    app: Application[Any], actor: Actor, within_days: int, today: date | None = None
) -> list[tuple[Provider, Approval]]:
    """Approvals in force today whose validity ends within `within_days`, soonest first."""
    start = today or datetime.now(UTC).date()
    end = start + timedelta(days=within_days)
    found = [(p, a) for p in list_providers(app, actor) for a in p.expiring(start, end)]
    return sorted(found, key=lambda pa: (pa[1].valid_to, pa[0].reference, pa[1].approval_id))
