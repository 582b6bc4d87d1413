"""The pages people read, opened in a real browser with the network closed.

Headless Chromium (Debian's package) loads each page from a uvicorn server on a
loopback port while every other host is unreachable, so these checks fail if
/docs or /redoc still needs a CDN or if the Content-Security-Policy blocks what
the page runs. Screenshots land in tests/artefacts/ (gitignored) for a person to
look at. Without chromium the test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from ledger.use_cases import LedgerService
from tests.browser import ARTEFACTS, Browser, serving


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Browser]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser')}/ledger.db"
    service = LedgerService(url=url)
    browser = Browser.find_or_skip()
    try:
        with serving(create_app(service=service, run_projections=False)) as base, browser:
            yield base, browser
    finally:
        service.close()


def operations(base: str) -> int:
    import httpx

    schema = httpx.get(base + "/openapi.json", timeout=10).json()
    return sum(len(methods) for methods in schema["paths"].values())


def test_swagger_ui_renders_every_operation_offline(site: tuple[str, Browser]) -> None:
    base, browser = site
    dom = browser.dom(base + "/docs")
    assert "swagger-ui" in dom and "Failed to load API definition" not in dom
    assert dom.count('class="opblock opblock-') == operations(base)
    assert "recordSpend" in dom or "/v1/budgets/{budget_id}/spends" in dom
    shot = browser.screenshot(base + "/docs", ARTEFACTS / "docs.png")
    assert shot.stat().st_size > 20_000  # a blank page is a few kilobytes


def test_redoc_renders_the_reference_offline(site: tuple[str, Browser]) -> None:
    base, browser = site
    dom = browser.dom(base + "/redoc")
    assert "Record a spend from available funds" in dom  # an operation's summary, drawn by ReDoc
    assert "Something went wrong" not in dom
    shot = browser.screenshot(base + "/redoc", ARTEFACTS / "redoc.png")
    assert shot.stat().st_size > 20_000


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("/", ['href="/docs"', 'href="/redoc"', 'href="/openapi.json"', "First steps"]),
        ("/problems", ['href="/problems/insufficient-funds"', "instalment-gated"]),
        ("/problems/insufficient-funds", ["may not exceed the available", "What to do"]),
    ],
)
def test_the_ledgers_own_pages_render(site: tuple[str, Browser], path: str, shows: list[str]) -> None:
    base, browser = site
    dom = browser.dom(base + path, budget_ms=2_000)
    for text in shows:
        assert text in dom, (path, text)
    name = path.strip("/").replace("/", "-") or "landing"
    assert browser.screenshot(base + path, ARTEFACTS / f"{name}.png", budget_ms=2_000).exists()


def test_artefacts_are_kept_out_of_git() -> None:
    ignored = (Path(__file__).parents[2] / ".gitignore").read_text().split()
    assert "tests/artefacts/" in ignored


def test_without_chromium_the_browser_tests_skip_but_fail_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        Browser.find_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        Browser.find_or_skip()
