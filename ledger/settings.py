"""The ledger's settings: one class, read from `LEDGER_*` environment variables.

Built once at the edge (the `ledger` command line, `api.app.create_app`) and passed
inward, so the application, the read side and the API agree on one store and one set
of limits. There are no default secrets: the only secret a deployment has, a
PostgreSQL password, arrives inside `LEDGER_DATABASE_URL` and is kept out of `repr`.

The default store is a SQLite file in a data folder that does not depend on the
working directory: `$LEDGER_DATA_DIR`, else `$XDG_DATA_HOME/budget-ledger`, else
`~/.local/share/budget-ledger` (the XDG base-directory default). So `ledger keys
list` run from any folder opens the same store as `ledger serve`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

APP_DIR = "budget-ledger"
STORE_FILE = "ledger.db"
DEFAULT_MAX_ATTEMPTS = 40  # ledger.ops.queueing: many short, jittered retries


def default_data_dir() -> Path:
    """`$XDG_DATA_HOME/budget-ledger`, else `~/.local/share/budget-ledger`."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # the XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / APP_DIR


class Settings(BaseSettings):
    """Everything the ledger reads from its environment (variable = `LEDGER_` + field name)."""

    model_config = SettingsConfigDict(env_prefix="LEDGER_", frozen=True)

    #: `sqlite:///path` or `postgresql://user:password@host:port/db?schema=name`;
    #: unset means the SQLite file `ledger.db` in `data_dir`
    database_url: str | None = Field(default=None, repr=False)
    #: where the default SQLite store (and run.sh's demo keys) live
    data_dir: Path = Field(default_factory=default_data_dir)
    #: keep the read models up to date inside the API process (off when
    #: `ledger projections run` runs them in a process of their own)
    run_projections: bool = True
    #: request bodies above this many bytes are refused with 413 as they are read
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    #: a month-end file sent to `POST /v1/spends:batch` may be this large (about 100,000 rows)
    max_batch_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    #: how often a command that loses an optimistic-concurrency race is retried
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1)
    #: budgets kept decoded in memory between commands (the library's aggregate cache, each
    #: brought up to date from the store before use, so other processes' writes are seen); 0: off
    aggregate_cache_maxsize: int = Field(default=1000, ge=0)
    #: browser origins allowed to call the API (comma-separated); empty turns CORS off
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    #: seconds to wait for PostgreSQL before giving up
    connect_timeout: int = Field(default=5, ge=1, le=120)
    #: seconds a read asking for `min_position` waits for the read models before a 503
    read_wait_seconds: float = Field(default=3.0, ge=0, le=60)

    # --- security (issue 14): limits on abuse; 0 turns a limit off ---
    #: requests a key may send at once, refilled at `rate_limit_per_second`
    rate_limit_burst: int = Field(default=1200, ge=0)
    rate_limit_per_second: float = Field(default=120.0, gt=0)
    #: failed authentications one client may make within `auth_failure_window` seconds...
    auth_failures_allowed: int = Field(default=100, ge=0)
    auth_failure_window: float = Field(default=300.0, gt=0)
    #: ...before it is refused (429) for `auth_lockout` seconds
    auth_lockout: float = Field(default=300.0, gt=0)
    #: a commissioner sees no analytics group covering fewer families than this
    suppression_threshold: int = Field(default=5, ge=1)

    # --- operations (ledger.ops) ---
    #: /health/ready answers 503 while a read model trails the event store by more events
    ready_max_lag: int = Field(default=1000, ge=0)
    #: log level of the JSON logs `ledger serve` writes to stderr
    log_level: str = "INFO"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @property
    def url(self) -> str:
        """The store's URL: `database_url`, else the SQLite file in `data_dir`."""
        return self.database_url or f"sqlite:///{self.data_dir / STORE_FILE}"


__all__ = ["DEFAULT_MAX_ATTEMPTS", "Settings", "default_data_dir"]
