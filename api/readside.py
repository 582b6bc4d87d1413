"""Reading from projections: the read side dependency and the freshness headers.

Every answer built from a read model says how far behind the event store it is:
`X-Projection-Position` (the last event applied) and `X-Projection-Lag` (events
recorded but not yet applied). Reads of one budget never need this: they come
from the event store itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from api.deps import ServiceDep
from ledger.projections.readside import ReadSide


def get_read_side(request: Request) -> ReadSide:
    read_side: ReadSide = request.app.state.read_side
    return read_side


ReadSideDep = Annotated[ReadSide, Depends(get_read_side)]


def mark_freshness(response: Response, read_side: ReadSide, service: ServiceDep, *names: str) -> None:
    position = min(read_side.position(name) for name in names)
    head = service.recorder.max_notification_id() or 0
    response.headers["X-Projection-Position"] = str(position)
    response.headers["X-Projection-Lag"] = str(max(0, head - position))
