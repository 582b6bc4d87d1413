"""Headless Chromium for tests: serve an ASGI app on a free loopback port, then look at its pages.

The browser is Debian's `chromium`, run with a fresh profile and the network
closed: every host name but 127.0.0.1 resolves to nothing and every other
request goes to a dead proxy, so a page that still loads something from a CDN
fails here the way it would on an offline machine. `--dump-dom` gives the DOM
after scripts ran (within `--virtual-time-budget`); `--screenshot` a PNG.

Use it from a test:

    with serving(app) as base, Browser.find_or_skip() as browser:
        dom = browser.dom(base + "/docs")
        browser.screenshot(base + "/docs", ARTEFACTS / "docs.png")

Without chromium, `find_or_skip` skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import uvicorn

#: screenshots and DOM dumps land here (gitignored), for a person to look at after a run
ARTEFACTS = Path(__file__).parent / "artefacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-bypass-list=127.0.0.1",
)
TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port in a thread; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


class Browser:
    """One headless Chromium profile; each call runs the browser once and returns what it saw."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        self.dead_proxy = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    @classmethod
    def find_or_skip(cls) -> Browser:
        """Debian's chromium, or skip the test (fail instead under CI=true)."""
        found = shutil.which("chromium")
        if found is None:
            message = "Debian's chromium is not installed (apt-get install -y chromium)"
            if os.environ.get("CI") == "true":
                pytest.fail(message + "; CI must run the browser tests")
            pytest.skip(message)
        return cls(found)

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._profile.cleanup()

    def run(self, url: str, *flags: str, budget_ms: int = 15_000) -> str:
        command = [
            self.executable,
            *FLAGS,
            f"--proxy-server={self.dead_proxy}",
            f"--user-data-dir={self._profile.name}",
            f"--virtual-time-budget={budget_ms}",
            *flags,
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout

    def dom(self, url: str, budget_ms: int = 15_000) -> str:
        """The page's DOM after its scripts ran for `budget_ms` of virtual time."""
        return self.run(url, "--dump-dom", budget_ms=budget_ms)

    def screenshot(self, url: str, path: Path, size: str = "1280,2000", budget_ms: int = 15_000) -> Path:
        """A PNG of the page at `size` (width,height), written to `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self.run(url, f"--screenshot={path}", f"--window-size={size}", budget_ms=budget_ms)
        if not path.exists():
            raise RuntimeError(f"chromium wrote no screenshot to {path}")
        return path
