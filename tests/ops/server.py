"""A real `ledger serve` in a subprocess, for the tests that need processes, sockets and signals."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ledger_env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_LOG_LEVEL": "WARNING", **extra}


class Server:
    """`ledger serve` on a free port; `start()` waits until it answers /health/live."""

    def __init__(self, url: str, *args: str, log: Path | None = None, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = ["serve", "--port", str(self.port), *args]
        self.env = ledger_env(url, **env)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 60.0) -> Server:
        out: Any = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ledger.cli", *self.args], env=self.env, stdout=out, stderr=out
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"ledger serve exited {self.process.returncode}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/health/live", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        raise AssertionError("ledger serve did not start in time")

    def wait_ready(self, wait: float = 60.0) -> None:
        deadline = time.monotonic() + wait
        while httpx.get(self.base + "/health/ready", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "not ready in time"
            time.sleep(0.2)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill(signal.SIGTERM)
