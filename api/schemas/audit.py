"""The audit trail on the wire: history entries with their chain hashes, and the verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EventActor(BaseModel):
    id: str
    role: str
    name: str | None = Field(
        default=None,
        description="the key holder's name, read from the key ring now (events store only the id)",
    )


class EventOut(BaseModel):
    type: str = Field(examples=["SpendRecorded"])
    version: int
    recorded_at: datetime
    actor: EventActor
    data: dict[str, Any] = Field(description="the event's own fields; amounts as strings")
    prev_hash: str
    hash: str


class HistoryOut(BaseModel):
    events: list[EventOut] = Field(description="oldest first, a page at a time")
    next_cursor: str | None = Field(
        default=None, description="pass as `cursor` for the events after these; null on the last page"
    )


class VerificationOut(BaseModel):
    ok: bool
    checked: int = Field(description="how many events were checked")
    first_failure: int | None = Field(description="the first version whose hash or link fails, or null")
    head_hash: str
