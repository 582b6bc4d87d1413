"""The dispute pack of a budget: JSON by default, a printable page with `Accept: text/html`.

The page is rendered by jinja2 with autoescaping (every recorded text is escaped),
links only this origin's stylesheets and runs no script, under a CSP stricter than
the other pages': no script at all, no inline style.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.deps import BudgetId, ServiceDep, allowed
from api.openapi import problem_responses
from api.pages import root
from api.routers import v1_router
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.audit_pack import DisputePack, Who, dispute_pack
from ledger.audit_words import pounds, words

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
templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(["html"]),
)


def _who(who: Who) -> str:
    return f"{who.name} ({who.role})" if who.name else f"a {who.role} ({who.id})"


templates.globals.update(
    money=lambda amount: pounds(amount) if isinstance(amount, Decimal) else "-",
    words=words,
    who=_who,
    day=lambda at: at.strftime("%-d %B %Y"),
    when=lambda at: at.strftime("%-d %b %Y %H:%M"),
)


def render(pack: DisputePack, base: str) -> str:
    return templates.get_template("dispute_pack.html").render(pack=pack, base=base)


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
    pack = dispute_pack(service, actor, budget_id)
    if wants_html(request):
        return HTMLResponse(render(pack, root(request)), headers=HEADERS)
    return pack


__all__ = ["render", "router"]
