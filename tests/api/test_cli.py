"""The `ledger` command line on both stores: keys made, listed and revoked; serve and demo wired."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from ledger.keys import authenticate
from ledger.use_cases import LedgerService


def test_a_new_key_is_printed_once_alone_on_the_last_line_and_works(run: Any, store_url: str) -> None:
    result = run("keys", "create", "--role", "broker", "--org", "brokerage-a", "--name", "Brokerage A")
    assert result.exit_code == 0, result.output
    secret = result.stdout.rstrip("\n").splitlines()[-1]
    assert secret.startswith("ibl_") and " " not in secret
    service = LedgerService(url=store_url)
    try:
        actor = authenticate(service, secret)
    finally:
        service.close()
    assert actor is not None and (actor.role, actor.org) == ("broker", "brokerage-a")
    listing = run("keys", "list")
    assert (
        secret not in listing.stdout and "Brokerage A" in listing.stdout and "brokerage-a" in listing.stdout
    )


def test_keys_are_listed_without_secrets_and_revoked_keys_stop_working(run: Any, store_url: str) -> None:
    secret = run(
        "keys", "create", "--role", "family", "--family", "FAM-7", "--name", "Family 7"
    ).stdout.split()[-1]
    run("keys", "create", "--role", "auditor", "--name", "Audit team")
    service = LedgerService(url=store_url)
    try:
        (family_key,) = [k for k in _keys(service) if k.name == "Family 7"]
        listing = run("keys", "list").stdout
        assert family_key.key_id in listing and "FAM-7" in listing and "Audit team" in listing
        assert family_key.key_hash not in listing and secret not in listing
        result = run("keys", "revoke", family_key.key_id, "--reason", "lost phone")
        assert result.exit_code == 0 and family_key.key_id in result.stdout
        assert authenticate(service, secret) is None
        assert "yes" in run("keys", "list").stdout
    finally:
        service.close()


def _keys(service: LedgerService) -> list[Any]:
    from ledger.keys import list_keys

    return list_keys(service)


@pytest.mark.parametrize(
    "args",
    [
        ("keys", "create", "--role", "broker", "--name", "no org"),
        ("keys", "create", "--role", "family", "--name", "no family"),
        ("keys", "create", "--role", "superuser", "--name", "x"),
        ("keys", "revoke", "no-such-key"),
    ],
)
def test_refused_key_commands_exit_1_with_the_reason_on_stderr(run: Any, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 1
    store_line, error_line = result.stderr.splitlines()  # every command first names its store
    assert store_line.startswith("store: ") and error_line.startswith("error: ") and result.stdout == ""


def test_serve_runs_the_app_factory_under_uvicorn(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: calls.append((a, kw)))
    assert run("serve", "--host", "0.0.0.0", "--port", "9000").exit_code == 0
    assert run("serve").exit_code == 0
    where = [(a, {k: kw[k] for k in ("factory", "host", "port")}) for a, kw in calls]
    assert where == [
        (("api.app:create_app",), {"factory": True, "host": "0.0.0.0", "port": 9000}),
        (("api.app:create_app",), {"factory": True, "host": "127.0.0.1", "port": 8000}),
    ]
    assert all(kw["log_config"]["formatters"]["json"] for _, kw in calls)  # ledger.ops.logs
    from api.protocol import LedgerH11Protocol
    from api.security.wire import ProblemH11Protocol  # malformed HTTP answered as a problem
    from ledger.ops.headtimeout import HeadTimeoutProtocol  # slow heads cut off

    assert all(kw["http"] == "api.protocol:LedgerH11Protocol" for _, kw in calls)
    assert issubclass(LedgerH11Protocol, ProblemH11Protocol) and issubclass(
        LedgerH11Protocol, HeadTimeoutProtocol
    )
    from api.app import create_app  # the factory the string names

    assert callable(create_app)


def test_demo_loads_through_ledger_demo_and_prints_its_summary(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def load_demo(service: LedgerService, seed: int = 2026) -> dict[str, object]:
        seen.update(service=service, seed=seed)
        return {"budgets": 12, "events": 345}

    monkeypatch.setitem(sys.modules, "ledger_demo", types.SimpleNamespace(load_demo=load_demo))
    result = run("demo", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert seen["seed"] == 7 and isinstance(seen["service"], LedgerService)
    assert "budgets" in result.stdout and "345" in result.stdout
