"""/docs (Swagger UI) and /redoc (ReDoc) served from the ledger itself, so they work offline.

FastAPI's own pages fetch both from a CDN and are blank without the internet,
which is where a council's machines often are. The assets come from the
`fastapi-offline` package (Swagger UI 5 and `redoc.standalone.js`; it depends on
FastAPI only); we use its files, not its app factory, and write the two pages
ourselves so they carry no inline script: Swagger UI is started by
`api/static/swagger-init.js`, ReDoc by its own `<redoc spec-url>` element.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.pages import HEADERS, STATIC, root

ASSETS = "/static/docs"
ASSET_DIR = Path(str(files("fastapi_offline") / "static"))
OWN_DIR = Path(__file__).parent / "static"


def _page(request: Request, title: str, head: str, body: str) -> HTMLResponse:
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{root(request)}{ASSETS}/favicon.png">
{head}
</head>
<body>
{body}
</body>
</html>
"""
    return HTMLResponse(text, headers=HEADERS)


def swagger_ui(request: Request) -> HTMLResponse:
    base = root(request)
    return _page(
        request,
        f"{request.app.title}: Swagger UI",
        f'<link rel="stylesheet" href="{base}{ASSETS}/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi-url="{base}{request.app.openapi_url}"></div>\n'
        f'<script src="{base}{ASSETS}/swagger-ui-bundle.js"></script>\n'
        f'<script src="{base}{STATIC}/swagger-init.js"></script>',
    )


def redoc(request: Request) -> HTMLResponse:
    base = root(request)
    return _page(
        request,
        f"{request.app.title}: ReDoc",
        "",
        f'<redoc spec-url="{base}{request.app.openapi_url}"></redoc>\n'
        f'<script src="{base}{ASSETS}/redoc.standalone.js"></script>',
    )


def install(app: FastAPI) -> None:
    """Mount the assets and the two pages (the app is made with docs_url and redoc_url None)."""
    app.mount(ASSETS, StaticFiles(directory=ASSET_DIR), name="docs-assets")
    app.mount(STATIC, StaticFiles(directory=OWN_DIR), name="ledger-static")
    app.add_api_route("/docs", swagger_ui, include_in_schema=False, response_class=HTMLResponse)
    app.add_api_route("/redoc", redoc, include_in_schema=False, response_class=HTMLResponse)
