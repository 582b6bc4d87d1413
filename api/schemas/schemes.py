"""Budget schemes on the wire: each published version with its rules and fingerprint."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.types import Day
from ledger.schemes import BudgetScheme


class SchemeOut(BaseModel):
    id: str
    version: int
    title: str
    fingerprint: str = Field(description="SHA-256 of the scheme's canonical JSON: it never changes")
    rules: BudgetScheme = Field(description="the scheme as published (its canonical document)")

    @classmethod
    def of(cls, scheme: BudgetScheme) -> Self:
        return cls(
            id=scheme.id,
            version=scheme.version,
            title=scheme.title,
            fingerprint=scheme.fingerprint,
            rules=scheme,
        )


class SchemesOut(BaseModel):
    schemes: list[SchemeOut]


class PinnedSchemeOut(BaseModel):
    """The scheme a budget opened under (DESIGN: a budget carries `scheme` {id, version})."""

    id: str
    version: int
    fingerprint: str

    @classmethod
    def of(cls, scheme: Any) -> Self:
        return cls(id=scheme.id, version=scheme.version, fingerprint=scheme.fingerprint)


class BankAccountIn(BaseModel):
    """Only the date is kept: no account details are stored."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"confirmed_on": "2026-04-02"}]}
    )

    confirmed_on: Day
