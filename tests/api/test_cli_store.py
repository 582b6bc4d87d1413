"""The command line and its store: the same default from any folder, named on stderr, and failures
in one line that never shows the password, a key or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ledger.cli import app as cli_app
from ledger.cli import ledger_version

PASSWORD = "s3cret"
BAD_URLS = {
    "mistyped scheme": f"postgresq://u:{PASSWORD}@h/db",
    "unreachable host": f"postgresql://u:{PASSWORD}@127.0.0.1:1/db",
    "unknown host": f"postgresql://u:{PASSWORD}@no-such-host.invalid/db",
    "bad port": f"postgresql://u:{PASSWORD}@127.0.0.1:99999/db",
    # security (issue 14): mistyped so that urllib finds no password in them
    "scheme without slashes": f"postgres:u:{PASSWORD}@h/db",
    "scheme with one slash": f"postgresql:/u:{PASSWORD}@h/db",
    "no colon after the scheme": f"postgresql//u:{PASSWORD}@h/db",
    "sqlite without slashes": f"sqlite:u:{PASSWORD}@h",
    "unclosed IPv6 host": f"postgresql://u:{PASSWORD}@[::1/db",
}
EVERY_COMMAND = [
    ("keys", "list"),
    ("keys", "create", "--role", "auditor", "--name", "x"),
    ("keys", "revoke", "abc"),
    ("budgets", "list"),
    ("budgets", "show", "BH-1"),
    ("envelopes", "list"),
    ("envelopes", "set", "--stream", "health", "--year", "2026", "--amount", "1.00", "--reason", "r"),
    ("projections", "status"),
    ("projections", "run"),
    ("projections", "rebuild"),
    ("serve",),
    ("demo",),
]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Invoke `ledger` in-process with a clean LEDGER_* environment and a data folder under tmp."""
    for name in [n for n in os.environ if n.startswith("LEDGER_") and n != "LEDGER_TEST_POSTGRES_URL"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, list(args))


#: `ledger serve` starts while a well-formed store is unreachable, answering 503 until it is back
#: (ledger.ops.outage; tests/ops/test_processes.py); a malformed URL still stops it
SERVES_WHILE_DOWN = {("serve",)}, {"unreachable host", "unknown host"}
BAD_STORE_CASES = [
    (command, case)
    for command in EVERY_COMMAND
    for case in BAD_URLS
    if not (command in SERVES_WHILE_DOWN[0] and case in SERVES_WHILE_DOWN[1])
]


@pytest.mark.parametrize(
    "command,case", BAD_STORE_CASES, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_every_command_fails_on_a_bad_store_in_one_line_without_the_password(
    cli: Any, monkeypatch: pytest.MonkeyPatch, case: str, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", BAD_URLS[case])
    started = time.monotonic()
    result = cli(*command)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    store_line, error_line = result.stderr.splitlines()
    assert store_line.startswith("store: ") and error_line.startswith("error: ")
    assert PASSWORD not in result.output and result.stdout == ""
    if case in ("unreachable host", "unknown host", "bad port"):
        assert ("127.0.0.1" if "127" in BAD_URLS[case] else "no-such-host.invalid") in error_line


@pytest.mark.parametrize("case", BAD_URLS)
def test_the_real_process_prints_no_traceback_and_no_password(tmp_path: Path, case: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=BAD_URLS[case], LEDGER_CONNECT_TIMEOUT="3", XDG_DATA_HOME=str(tmp_path))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "keys", "list"],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 15
    assert done.returncode == 1
    assert PASSWORD not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 2, done.stderr


def test_a_bad_setting_names_its_variable_in_one_line(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_MAX_ATTEMPTS", "lots")
    result = cli("keys", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: LEDGER_MAX_ATTEMPTS") and "lots" not in result.stderr


def test_the_default_store_is_the_same_from_any_working_directory(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    made = cli("keys", "create", "--role", "auditor", "--name", "Made in a")
    assert made.exit_code == 0, made.output
    secret = made.stdout.splitlines()[-1]
    monkeypatch.chdir(tmp_path / "b")
    listed = cli("keys", "list")
    store = tmp_path / "xdg" / "budget-ledger" / "ledger.db"
    assert "Made in a" in listed.stdout and secret not in listed.output
    assert listed.stderr == f"store: sqlite:///{store}\n" == made.stderr
    assert not (tmp_path / "a" / "data").exists() and not (tmp_path / "b" / "data").exists()


def test_the_store_line_redacts_the_password(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", BAD_URLS["unreachable host"])
    assert cli("keys", "list").stderr.startswith("store: postgresql://u:***@127.0.0.1:1/db\n")


def test_version_and_data_dir_answer_without_opening_a_store(cli: Any, tmp_path: Path) -> None:
    version = cli("--version")
    assert version.exit_code == 0 and version.stdout == f"ledger {ledger_version()}\n"
    assert ledger_version() != "unknown"
    folder = cli("data-dir")
    assert folder.stdout == f"{tmp_path / 'xdg' / 'budget-ledger'}\n"
    assert not (tmp_path / "xdg").exists()
