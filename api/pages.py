"""The ledger's few HTML pages for people: the landing page, and the layout every page shares.

Pages are plain HTML with one stylesheet and no inline script, served with a
Content-Security-Policy that allows only this origin's scripts, so a page can be
framed by nothing and run nothing it did not ship. Styles may be inline because
Swagger UI and ReDoc set them at run time.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STATIC = "/static/ledger"
#: optional routes the landing page links to when this build has them
HEALTH_PATHS = ("/health/live", "/health/ready")

router = APIRouter(include_in_schema=False)


def root(request: Request) -> str:
    """The prefix a proxy mounts the ledger under ('' when served at the top)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def html_page(request: Request, title: str, body: str, status: int = 200) -> HTMLResponse:
    """`body` (already escaped HTML) in the shared layout, with the security headers."""
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{root(request)}{STATIC}/ledger.css">
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
    return HTMLResponse(text, status, headers=HEADERS)


def links(request: Request) -> list[tuple[str, str]]:
    """(href, what) for every page the landing page points at; health only where it exists."""
    paths = {getattr(r, "path", None) for r in request.app.routes}
    base = root(request)
    found = [
        (base + "/docs", "Interactive API documentation (Swagger UI): try each route with a key"),
        (base + "/redoc", "Reference documentation (ReDoc): every route, field and answer"),
        (base + "/openapi.json", "The OpenAPI description, for generating clients"),
        (base + "/problems", "What each error means: every rule the ledger enforces"),
    ]
    found += [(base + p, f"Health check ({p.rsplit('/', 1)[-1]})") for p in HEALTH_PATHS if p in paths]
    return found


FIRST_STEPS = """<h2>First steps</h2>
<ol>
<li>On the ledger's machine, <code>./run.sh</code> sets up, loads the demo cohort and serves this page;
it prints one demo API key per role (kept in <code>data/demo-keys.txt</code>).</li>
<li>Make a real key with <code>ledger keys create --role caseworker --name NAME</code>;
it is printed once.</li>
<li>Open the <a href="{base}/docs">interactive documentation</a>, press <em>Authorize</em>,
paste the key, and walk a budget through its life.</li>
<li>Every request carries <code>Authorization: Bearer &lt;api key&gt;</code>; money is a JSON string
such as <code>"300.00"</code>; errors are <code>application/problem+json</code>.</li>
</ol>
<p>The README's sections <em>Two commands</em> and <em>HTTP API v1</em> say more.</p>"""


@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> HTMLResponse:
    """What this service is, and where to go next."""
    items = "\n".join(
        f'<li><a href="{escape(href)}">{escape(what)}</a></li>' for href, what in links(request)
    )
    body = f"""<h1>{escape(request.app.title)}</h1>
<p>The ledger of the individual budgets a council allocates to families of disabled children for
short breaks: allocations with their RAS working, instalments, spends, monitoring returns, disputes
and reviews, each budget's history verifiable by a hash chain. It stores references and amounts,
never names.</p>
<ul class="links">
{items}
</ul>
{FIRST_STEPS.format(base=root(request))}"""
    return html_page(request, request.app.title, body)
