"""`./run.sh` refuses a port already in use before it sets up, loads or prints anything."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

RUN_SH = Path(__file__).parents[2] / "run.sh"


def test_a_busy_port_fails_in_one_line_before_any_key_or_banner(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "PYTHON": sys.executable}
        env.update(XDG_DATA_HOME=str(tmp_path), LEDGER_DATA_DIR=str(tmp_path / "data"))
        done = subprocess.run(["bash", str(RUN_SH)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "PORT=" in done.stderr
    assert not (tmp_path / "data").exists()
