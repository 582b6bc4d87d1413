"""Published RAS schemes and assessments (which record nothing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import allowed
from api.openapi import problem_responses
from api.routers import v1_router
from api.schemas.ras import AssessmentIn, AssessmentOut, SchemeOut, SchemesOut
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.ras import PUBLISHED, assess, get_scheme

router = v1_router(prefix="/ras", tags=["ras"], responses=problem_responses(401, 403, 422, 500))
Reader = Annotated[Actor, allowed(Action.RAS)]
Assessor = Annotated[Actor, allowed(Action.ASSESS)]


@router.get("/schemes")
def list_schemes(actor: Reader) -> SchemesOut:
    """Every published scheme version: questions, options and points, price per point, bands, caps."""
    return SchemesOut(schemes=[SchemeOut.of(s) for _, s in sorted(PUBLISHED.items())])


@router.get("/schemes/{scheme}", responses=problem_responses(404))
def read_scheme(
    scheme: Annotated[str, Path(min_length=1, max_length=200)],
    actor: Reader,
    version: Annotated[int | None, Query(ge=1, le=10_000, description="default: the latest")] = None,
) -> SchemeOut:
    """One published scheme, its latest version unless `version` is given (caseworker, auditor)."""
    return SchemeOut.of(get_scheme(scheme, version))


@router.post("/assessments", responses=problem_responses(404, 413, 415))
def assess_answers(body: AssessmentIn, actor: Assessor) -> AssessmentOut:
    """Score answers against a scheme: points, indicative amount and the working; records nothing."""
    assessment = assess(get_scheme(body.scheme, body.version), dict(body.answers))
    return AssessmentOut.model_validate(vars(assessment))
