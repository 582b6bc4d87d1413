"""Published RAS schemes and assessments on the wire."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.commands import RasIn
from api.schemas.types import MoneyOut


class QuestionOut(BaseModel):
    key: str
    text: str
    options: dict[str, int] = Field(description="option -> points")


class BandOut(BaseModel):
    name: str
    min_points: int
    max_points: int
    cap: MoneyOut


class SchemeOut(BaseModel):
    id: str
    version: int
    kind: str = Field(description="points (points x price, within band and scheme caps) or flat")
    title: str
    questions: list[QuestionOut]
    price_per_point: MoneyOut
    bands: list[BandOut]
    cap: MoneyOut
    flat_amount: MoneyOut
    eligible_when: dict[str, str] = Field(description="flat schemes: the answers that make a family eligible")
    fingerprint: str

    @classmethod
    def of(cls, scheme: Any) -> Self:
        return cls(
            id=scheme.id,
            version=scheme.version,
            kind=scheme.kind,
            title=scheme.title,
            questions=[QuestionOut.model_validate(vars(q)) for q in scheme.questions],
            price_per_point=scheme.price_per_point,
            bands=[BandOut.model_validate(vars(b)) for b in scheme.bands],
            cap=scheme.cap,
            flat_amount=scheme.flat_amount,
            eligible_when=dict(scheme.eligible_when),
            fingerprint=scheme.fingerprint,
        )


class SchemesOut(BaseModel):
    schemes: list[SchemeOut]


class AssessmentIn(RasIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scheme": "short-breaks-points",
                    "answers": {
                        "personal_care": "some",
                        "health_needs": "none",
                        "behaviour": "some",
                        "community_access": "none",
                        "night_support": "none",
                        "carer_resilience": "coping",
                        "siblings": "0",
                    },
                }
            ]
        },
    )


class AssessmentOut(BaseModel):
    scheme_id: str
    scheme_version: int
    scheme_fingerprint: str
    answers: dict[str, str]
    points: int
    band: str
    indicative_amount: MoneyOut
    working: list[str]
