"""Funding envelopes per stream and financial year, the portfolio's yardstick (added to the contract)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, ServiceDep, allowed
from api.errors import problem_responses
from api.schemas.analytics import EnvelopeIn, EnvelopeOut, EnvelopesOut, wire
from ledger.aggregates.actor import Actor
from ledger.envelopes import list_envelopes, set_envelope

router = APIRouter(prefix="/envelopes", tags=["analytics"])
Setter = Annotated[Actor, allowed("envelopes")]


def out(envelope: object) -> EnvelopeOut:
    return EnvelopeOut.model_validate(wire(dict(vars(envelope))))


@router.post("", status_code=201, responses=problem_responses(401, 403, 409, 413, 422, 500))
def set_funding_envelope(body: EnvelopeIn, actor: Setter, service: ServiceDep) -> EnvelopeOut:
    """Set a stream's envelope for a financial year (commissioner, admin); a later one supersedes it."""
    outcome = set_envelope(service, actor, body.stream, body.year, body.amount, body.reason)
    return out(outcome.envelope)


@router.get("", responses=problem_responses(401, 403, 422, 500))
def funding_envelopes(
    actor: CurrentActor,
    service: ServiceDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> EnvelopesOut:
    """The envelopes in force (commissioner, admin, auditor)."""
    return EnvelopesOut(envelopes=[out(e) for e in list_envelopes(service, actor, year)])
