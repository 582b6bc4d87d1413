"""One settings class, read from LEDGER_* and passed inward: the store, its files' modes, the API's limits."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from fastapi.testclient import TestClient
from starlette.middleware.cors import CORSMiddleware

from api.app import create_app
from ledger import errors
from ledger.settings import Settings
from ledger.store import StoreURLError, persistence_env, redact
from ledger.use_cases import LedgerService
from tests.builders import open_funded_budget
from tests.conftest import CASEWORKER

PASSWORD = "s3cret"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("LEDGER_") or n == "XDG_DATA_HOME"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so only the ledger's own chmods can make files private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_setting_is_read_from_its_ledger_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {
        "DATABASE_URL": "postgresql://u@db:5432/ledger",
        "DATA_DIR": str(tmp_path / "d"),
        "RUN_PROJECTIONS": "0",
        "MAX_BODY_BYTES": "1000",
        "MAX_ATTEMPTS": "3",
        "CORS_ORIGINS": "https://a.example, https://b.example",
        "CONNECT_TIMEOUT": "2",
    }.items():
        monkeypatch.setenv(f"LEDGER_{name}", value)
    s = Settings()
    assert (s.url, s.data_dir, s.run_projections) == ("postgresql://u@db:5432/ledger", tmp_path / "d", False)
    assert (s.max_body_bytes, s.max_attempts, s.connect_timeout) == (1000, 3, 2)
    assert s.cors_origins == ("https://a.example", "https://b.example")


def test_by_default_the_store_is_a_file_in_the_users_data_folder_and_cors_is_off(tmp_path: Path) -> None:
    s = Settings()
    folder = tmp_path / "home" / ".local" / "share" / "budget-ledger"
    assert s.data_dir == folder and s.url == f"sqlite:///{folder}/ledger.db"
    assert s.cors_origins == () and s.run_projections and s.max_attempts == 40


def test_xdg_data_home_moves_the_data_folder_and_ledger_data_dir_overrides_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings().data_dir == tmp_path / "xdg" / "budget-ledger"
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path / "mine"))
    assert Settings().url == f"sqlite:///{tmp_path}/mine/ledger.db"


def test_a_relative_data_dir_is_made_absolute_once_so_it_cannot_drift_with_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEDGER_DATA_DIR", "here")
    assert Settings().data_dir == tmp_path / "here"


def test_the_settings_repr_never_shows_the_database_password() -> None:
    s = Settings(database_url=f"postgresql://u:{PASSWORD}@db/ledger")
    assert PASSWORD not in repr(s) and PASSWORD not in str(s)


def test_an_unknown_scheme_or_bad_port_is_refused_without_the_password() -> None:
    for url in (f"postgresq://u:{PASSWORD}@h/db", f"postgresql://u:{PASSWORD}@h:99999/db"):
        with pytest.raises(StoreURLError) as refused:
            persistence_env(url)
        assert PASSWORD not in str(refused.value) and "\n" not in str(refused.value)
    assert redact(f"postgresql://u:{PASSWORD}@h:5/db?schema=x") == "postgresql://u:***@h:5/db?schema=x"


def test_the_connect_timeout_reaches_the_librarys_pool() -> None:
    env = persistence_env("postgresql://u@h/db", connect_timeout=3)
    assert env["POSTGRES_CONNECT_TIMEOUT"] == "3"


def test_the_ledger_takes_its_store_and_retry_bound_from_settings(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/s.db", max_attempts=3)
    service = LedgerService(settings=settings)
    try:
        assert service.url == settings.url
        budget_id = open_funded_budget(service)
        saves: list[object] = []

        def lose_every_race(*_: Any, **__: Any) -> Any:
            saves.append(None)
            raise IntegrityError("another writer won")

        service.save = lose_every_race  # type: ignore[method-assign]
        with pytest.raises(errors.ConcurrentUpdate):
            service.suspend_budget(CASEWORKER, budget_id, "test")
        # the first try starts from the budget as this process last saved it (ledger.written);
        # its conflict is decided again on a fresh load uncounted, then three counted races
        assert len(saves) == 1 + 3
    finally:
        service.close()


def test_a_url_in_the_librarys_env_wins_so_projection_runners_open_the_same_store(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/other.db")
    service = LedgerService(env={"LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/env.db"}, settings=settings)
    try:
        assert service.url.endswith("/env.db")
    finally:
        service.close()


@pytest.mark.usefixtures("open_umask")
def test_a_new_sqlite_store_is_readable_by_its_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "store"
    service = LedgerService(url=f"sqlite:///{folder}/ledger.db")
    try:
        open_funded_budget(service)
    finally:
        service.close()
    assert mode(folder) == 0o700
    files = [p for p in folder.iterdir() if p.name.startswith("ledger.db")]
    assert files and all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}


@pytest.mark.usefixtures("open_umask")
def test_an_existing_store_file_is_made_private_but_an_existing_folder_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    (shared / "ledger.db").touch(mode=0o644)
    persistence_env(f"sqlite:///{shared}/ledger.db")
    assert mode(shared / "ledger.db") == 0o600 and mode(shared) == 0o755


# --- the API ------------------------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path) -> Iterator[LedgerService]:
    app = LedgerService(url=f"sqlite:///{tmp_path}/api.db")
    try:
        yield app
    finally:
        app.close()


def test_the_apis_body_limit_comes_from_settings(service: LedgerService) -> None:
    app = create_app(service=service, settings=Settings(max_body_bytes=100, run_projections=False))
    with TestClient(app) as client:
        answer = client.post("/v1/budgets", content=b"{" + b" " * 200 + b"}")
    assert answer.status_code == 413


def test_settings_can_turn_the_in_process_projections_off(service: LedgerService) -> None:
    assert not create_app(service=service, settings=Settings(run_projections=False)).state.run_projections
    assert create_app(service=service, settings=Settings()).state.run_projections


def test_without_configured_origins_there_is_no_cors_at_all(service: LedgerService) -> None:
    app = create_app(service=service, settings=Settings(run_projections=False))
    assert not any(m.cls is CORSMiddleware for m in app.user_middleware)
    with TestClient(app) as client:
        answer = client.get("/v1/ras/schemes", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in answer.headers


def test_configured_origins_may_call_the_api_from_a_browser_and_others_may_not(
    service: LedgerService,
) -> None:
    settings = Settings(run_projections=False, cors_origins=("https://portal.example",))
    with TestClient(create_app(service=service, settings=settings)) as client:
        preflight = client.options(
            "/v1/budgets",
            headers={
                "Origin": "https://portal.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key",
            },
        )
        refused = client.get("/v1/ras/schemes", headers={"Origin": "https://evil.example"})
        allowed = client.get("/v1/ras/schemes", headers={"Origin": "https://portal.example"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://portal.example"
    assert "access-control-allow-origin" not in refused.headers
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    assert "x-ledger-position" in allowed.headers["access-control-expose-headers"].lower()
