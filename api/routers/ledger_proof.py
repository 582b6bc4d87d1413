"""The whole-ledger proof: checkpoints an auditor keeps, and verification of every stored event."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import Query, status

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.schemas.proof import CheckpointOut, CheckpointsOut, LedgerVerificationOut
from api.writes import WriteDep
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.proof.checkpointing import list_checkpoints, make_checkpoint
from ledger.proof.verification import verify_ledger

router = v1_router(prefix="/ledger", tags=["audit"], responses=problem_responses(401, 403, 422, 500))
Checkpointer = Annotated[Actor, allowed(Action.CHECKPOINTS)]
Verifier = Annotated[Actor, allowed(Action.VERIFY)]
HASH = r"^[0-9a-f]{64}$"


@router.post("/checkpoints", status_code=status.HTTP_201_CREATED)
def make_ledger_checkpoint(actor: Checkpointer, service: ServiceDep, write: WriteDep) -> CheckpointOut:
    """Seal every event so far and answer the position and running hash to keep (auditor, admin)."""
    once = write.once(lambda _book, checkpoint, _full: CheckpointOut.model_validate(asdict(checkpoint)))
    made = make_checkpoint(service, actor, once=once)
    return write.done(None, CheckpointOut.model_validate(asdict(made)))


@router.get("/checkpoints")
def read_ledger_checkpoints(actor: Checkpointer, service: ServiceDep) -> CheckpointsOut:
    """Every checkpoint made, oldest first (auditor, admin)."""
    return CheckpointsOut(
        checkpoints=[CheckpointOut.model_validate(asdict(c)) for c in list_checkpoints(service, actor)]
    )


@router.get("/verification")
def verify_whole_ledger(
    actor: Verifier,
    service: ServiceDep,
    checkpoint_position: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    checkpoint_hash: Annotated[str | None, Query(pattern=HASH)] = None,
) -> LedgerVerificationOut:
    """Check every stored event, every budget's chain and, if given, a kept checkpoint (auditor)."""
    if (checkpoint_position is None) != (checkpoint_hash is None):
        raise errors.InvalidInput("give checkpoint_position and checkpoint_hash together")
    kept = None if checkpoint_position is None else (checkpoint_position, str(checkpoint_hash))
    return LedgerVerificationOut.model_validate(asdict(verify_ledger(service, actor, kept)))
