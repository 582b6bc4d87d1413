"""Funding envelopes per stream and financial year, the portfolio's yardstick (added to the contract)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.deps import CurrentActor, ServiceDep, allowed
from api.openapi import conflicts, problem_responses
from api.routers import v1_router
from api.schemas.analytics import EnvelopeIn, EnvelopeOut, EnvelopesOut, wire
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.envelopes import list_envelopes, set_envelope

router = v1_router(prefix="/envelopes", tags=["analytics"])
Setter = Annotated[Actor, allowed(Action.ENVELOPES)]


def out(envelope: object) -> EnvelopeOut:
    return EnvelopeOut.model_validate(wire(dict(vars(envelope))))


@router.post(
    "",
    status_code=201,
    responses={**problem_responses(401, 403, 409, 413, 415, 422, 500), **conflicts(errors.ConcurrentUpdate)},
)
def set_funding_envelope(
    body: EnvelopeIn, actor: Setter, service: ServiceDep, write: WriteDep
) -> EnvelopeOut:
    """Set a stream's envelope for a financial year (commissioner, admin); a later one supersedes it."""
    once = write.once(lambda _envelopes, envelope, _full: out(envelope))
    outcome = set_envelope(service, actor, body.stream, body.year, body.amount, body.reason, once=once)
    return write.done(outcome.position, out(outcome.envelope))


@router.get("", responses=problem_responses(401, 403, 422, 500))
def list_funding_envelopes(
    actor: CurrentActor,
    service: ServiceDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> EnvelopesOut:
    """The envelopes in force (commissioner, admin, auditor)."""
    return EnvelopesOut(envelopes=[out(e) for e in list_envelopes(service, actor, year)])
