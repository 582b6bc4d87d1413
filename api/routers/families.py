"""A family's free text erased on a lawful request (admin): keys destroyed, amounts and proof kept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServiceDep, allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.schemas.types import Reason, Ref
from api.writes import WriteDep
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.erasure import Erasure, erase_family_text

router = v1_router(prefix="/families", tags=["audit"], responses=problem_responses(401, 403, 404, 422, 500))
Eraser = Annotated[Actor, allowed(Action.ERASE_FAMILY_TEXT)]
FamilyRef = Annotated[Ref, Path(description="the family's reference in the council's case system")]


class ErasureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "subject's erasure request of 1 Nov"}]}
    )

    reason: Reason = Field(description="why, kept in plain text: name the request, not the person")


class ErasureOut(BaseModel):
    family_ref: str
    budgets: list[str] = Field(description="the budgets the erasure is recorded on")
    keys_destroyed: int = Field(description="0 on a repeat with nothing written since the last erasure")
    erased_at: datetime


def answer(erasure: Erasure) -> ErasureOut:
    return ErasureOut.model_validate({k: v for k, v in vars(erasure).items() if k != "position"})


@router.post("/{family_ref}/erasure")
def erase_family(
    family_ref: FamilyRef, body: ErasureIn, actor: Eraser, service: ServiceDep, write: WriteDep
) -> ErasureOut:
    """Make the family's free text unreadable everywhere; amounts, categories and the chains stay (admin)."""
    once = write.once(lambda _none, erasure, _full: answer(erasure))
    erasure = erase_family_text(service, actor, family_ref, body.reason, once=once)
    return write.done(erasure.position, answer(erasure))
