"""The dispute pack of a budget: JSON by default, a printable page with `Accept: text/html`.

The page (`ledger.audit_page`, jinja2 with autoescaping: every recorded text is
escaped) links only this origin's stylesheets and runs no script, under a CSP stricter than
the other pages': no script at all, no inline style.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import problem_responses
from api.pages import root
from api.routers import v1_router
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.audit_pack import DisputePack, dispute_pack
from ledger.audit_page import render

router = v1_router(prefix="/budgets/{budget_id}", tags=["audit"])
PackReader = Annotated[Actor, allowed(Action.DISPUTE_PACK)]
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
HTML = {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "the printable page"}


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


@router.get(
    "/dispute-pack",
    response_model=DisputePack,
    responses={200: HTML, **problem_responses(401, 403, 404, 422, 500)},
)
def read_dispute_pack(request: Request, budget_id: BudgetId, actor: PackReader, service: ServiceDep) -> Any:
    """Every decision with who, when and why; the RAS scored again; corrections, disputes and the
    chain's verification (auditor, caseworker, the family for its own budget)."""
    pack = service.reveal(dispute_pack(service, actor, budget_id))  # erased text marked erased
    if wants_html(request):
        return HTMLResponse(render(pack, root(request)), headers=HEADERS)
    return pack


__all__ = ["router"]
