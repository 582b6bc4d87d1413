"""Reading from projections: the read side dependency, the freshness headers, and reading your writes.

Every answer built from a read model says how far behind the event store it is:
`X-Projection-Position` (the last event applied) and `X-Projection-Lag` (events
recorded but not yet applied). Reads of one budget never need this: they come
from the event store itself.

Every write answers `X-Ledger-Position` (`api.writes`); a read-model route given
`min_position=N` (`applied(...)` in its decorator) answers only once each read
model it uses has applied position N, or, after `Settings.read_wait_seconds`,
503 with `Retry-After`.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from starlette.exceptions import HTTPException

from api.deps import CurrentActor, ServiceDep
from ledger.errors import InvalidInput
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


#: how often a waiting read polls its read models' positions
POLL_SECONDS = 0.01
MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        le=2**63 - 1,
        description="answer only once the read models have applied this `X-Ledger-Position` (of a write);"
        " 503 with Retry-After if they do not within a few seconds",
    ),
]


def applied(*names: str) -> Any:
    """A dependency of a route reading `names`: wait for the `min_position` asked for, if any."""

    def wait(
        request: Request, _: CurrentActor, read_side: ReadSideDep, min_position: MinPosition = None
    ) -> None:
        if min_position is None:
            return
        head = request.app.state.service.recorder.max_notification_id() or 0
        if min_position > head:  # no write has answered it: waiting could never end
            raise InvalidInput(
                f"min_position {min_position} is beyond the ledger's newest position {head};"
                " send the X-Ledger-Position a write answered."
            )
        deadline = time.monotonic() + request.app.state.settings.read_wait_seconds
        for name in names:
            while read_side.position(name) < min_position:
                if time.monotonic() >= deadline:
                    raise HTTPException(
                        503,
                        f"The {name} read model has not yet applied position {min_position};"
                        " ask again shortly.",
                        headers={"Retry-After": "1"},
                    )
                time.sleep(POLL_SECONDS)

    return Depends(wait)
