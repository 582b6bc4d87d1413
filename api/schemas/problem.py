"""RFC 9457 problem details: the one shape of every error answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    loc: list[str | int] = Field(
        description="where the bad value is: body, query, path or header, then names"
    )
    msg: str
    type: str


class Problem(BaseModel):
    """`application/problem+json`: `type` names the rule and is the page explaining it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "http://127.0.0.1:8000/problems/insufficient-funds",
                    "title": "A spend or recovery may not exceed the available (released, unspent) funds.",
                    "status": 409,
                    "detail": "Spend of 900.00 exceeds the available 600.00.",
                }
            ]
        }
    )

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="the failing fields (422 only)")
