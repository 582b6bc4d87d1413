"""Typed dependencies: the shared ledger service and the calling actor.

Authentication is a bearer API key checked against the key ring
(`ledger.keys.authenticate`); a missing, malformed, unknown or revoked key is
401 with `WWW-Authenticate: Bearer`. `allowed(action)` then checks the caller's
role against `ledger.access` before anything is loaded, so a role that may never
do something hears 403 whether or not the budget exists; the application checks
role and scope again, with the budget in hand.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import NotAuthenticated
from ledger.access import authorize
from ledger.aggregates.actor import Actor
from ledger.keys import authenticate
from ledger.use_cases import LedgerService

bearer = HTTPBearer(auto_error=False, description="an API key made with `ledger keys create`")


def get_service(request: Request) -> LedgerService:
    service: LedgerService = request.app.state.service
    return service


ServiceDep = Annotated[LedgerService, Depends(get_service)]


def current_actor(
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None:
        raise NotAuthenticated("send Authorization: Bearer <api key>")
    actor = authenticate(service, credentials.credentials)
    if actor is None:
        raise NotAuthenticated("the API key is unknown or revoked")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def allowed(action: str) -> Any:
    """A dependency giving the caller if their role may do `action` (`ledger.access`)."""

    def check(actor: CurrentActor) -> Actor:
        authorize(actor, action)
        return actor

    return Depends(check)


BudgetId = Annotated[UUID, Path(description="the budget's id")]
ItemId = Annotated[str, Path(min_length=1, max_length=200)]
