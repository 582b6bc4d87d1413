"""The whole-ledger proof on the wire: checkpoints and the ledger's verification."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class CheckpointOut(BaseModel):
    position: int = Field(description="the last position (notification id) the checkpoint covers")
    hash: str = Field(description="the running hash there: keep it outside the system", examples=["0" * 64])
    made_at: datetime
    made_by: str


class CheckpointsOut(BaseModel):
    checkpoints: list[CheckpointOut]


class FailureOut(BaseModel):
    reason: str
    position: int | None = Field(description="the first position that fails, when one can be named")
    budget: str | None = Field(description="the budget whose chain fails, when it is a budget's")
    version: int | None = Field(description="that budget's version that fails")


class LedgerVerificationOut(BaseModel):
    ok: bool
    checked: int = Field(description="how many stored events were checked")
    first_failure: FailureOut | None
    position: int = Field(description="the last position checked")
    hash: str = Field(description="the running hash at that position: the chain's final hash")
    budgets: int = Field(description="how many budgets' chains were checked")
