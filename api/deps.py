"""Typed dependencies: the shared ledger service, the calling actor, and strict query strings.

Authentication is a bearer API key checked against the key ring
(`ledger.keys.authenticate`); a missing, malformed, unknown or revoked key is
401 with `WWW-Authenticate: Bearer`. `allowed(Action.X)` then checks the caller's
role against `ledger.access` before anything is loaded, so a role that may never
do something hears 403 whether or not the budget exists; the application checks
role and scope again, with the budget in hand.

`KnownQuery` makes an unknown query parameter a 422 naming it, so a typo such as
`?cohrot=pilot` is refused instead of silently listing everything. It depends on
the caller, so an unauthenticated request still hears 401 first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import NotAuthenticated, UnknownQueryParameter
from api.security.limits import Limits
from ledger.access import Action, authorize
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
    request: Request,
) -> Actor:
    # security (issue 14): a client locked out for failing refused first; each key rate-limited
    limits: Limits = request.app.state.limits
    client = request.client.host if request.client else "unknown"
    limits.check_client(client)
    if credentials is None:
        raise NotAuthenticated("Send the header Authorization: Bearer <api key>.")
    actor = authenticate(service, credentials.credentials)
    if actor is None:
        limits.failed(client)
        raise NotAuthenticated("The API key is unknown, revoked or expired.")
    limits.spend(actor.id)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def allowed(action: Action) -> Any:
    """A dependency giving the caller if their role may do `action` (`ledger.access`)."""

    def check(actor: CurrentActor) -> Actor:
        authorize(actor, action)
        return actor

    return Depends(check)


def _query_names(dependant: Dependant) -> Iterator[str]:
    for field in dependant.query_params:
        yield field.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def known_query(request: Request, actor: CurrentActor) -> None:
    """Refuse a query parameter the route does not declare (after authentication)."""
    route = request.scope.get("route")
    declared = set(_query_names(route.dependant)) if isinstance(route, APIRoute) else set()
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise UnknownQueryParameter(unknown, sorted(declared))


#: add to a router's `dependencies`: every route of it refuses unknown query parameters
KnownQuery = Depends(known_query)

BudgetId = Annotated[UUID, Path(description="the budget's id")]
ItemId = Annotated[str, Path(min_length=1, max_length=200)]
