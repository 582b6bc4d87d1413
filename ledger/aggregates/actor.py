"""Who did it: every command names its actor, and every event records them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: str
    role: str
    org: str | None = None  # a broker's organisation
    family: str | None = None  # a family's own reference


SYSTEM = Actor(id="system", role="admin")
