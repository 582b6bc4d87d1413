"""Limits on abuse (issue 14): a rate per key, a lockout for failing clients, expiring keys, last use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security.limits import Limits, TooManyRequests
from ledger.keys import authenticate, create_key, list_keys
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.api.conftest import Api, problem_of


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def strict(ledger: LedgerService, clock: Clock) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The API with small limits: a burst of 5 then 1 a second; 3 failures allowed, then 60 s out."""
    settings = Settings(
        rate_limit_burst=5,
        rate_limit_per_second=1,
        auth_failures_allowed=3,
        auth_failure_window=60,
        auth_lockout=60,
        run_projections=False,
    )
    keys = {who: create_key(ledger, "caseworker", who)[1] for who in ("busy", "calm")}
    app = create_app(service=ledger, settings=settings)
    app.state.limits.clock = clock
    with TestClient(app) as client:
        yield client, keys


def _get(client: TestClient, secret: str) -> Any:
    return client.get("/v1/ras/schemes", headers={"Authorization": f"Bearer {secret}"})


def test_a_key_over_its_rate_hears_429_with_retry_after_and_others_are_unaffected(
    strict: tuple[TestClient, dict[str, str]], clock: Clock
) -> None:
    client, keys = strict
    answers = [_get(client, keys["busy"]).status_code for _ in range(8)]
    assert answers == [200] * 5 + [429] * 3
    refused = _get(client, keys["busy"])
    problem_of(refused, 429, "too-many-requests")
    assert refused.headers["Retry-After"] == "1"
    assert _get(client, keys["calm"]).status_code == 200  # another key has its own bucket
    clock.now += 2  # two seconds refill two requests
    assert [_get(client, keys["busy"]).status_code for _ in range(3)] == [200, 200, 429]


def test_a_client_failing_to_authenticate_is_refused_for_a_while_even_with_a_good_key(
    strict: tuple[TestClient, dict[str, str]], clock: Clock
) -> None:
    client, keys = strict
    wrong = [_get(client, "ibl_" + "x" * 43).status_code for _ in range(4)]
    assert wrong == [401, 401, 401, 401]  # the fourth failure, one over the allowance, starts the lockout
    locked = _get(client, keys["calm"])
    problem_of(locked, 429, "too-many-requests")
    assert int(locked.headers["Retry-After"]) == 60
    assert _get(client, "ibl_" + "y" * 43).status_code == 429  # wrong or right, the answer is the same
    clock.now += 61
    assert _get(client, keys["calm"]).status_code == 200


def test_failures_spread_beyond_the_window_never_lock_out(
    strict: tuple[TestClient, dict[str, str]], clock: Clock
) -> None:
    client, keys = strict
    for _ in range(10):
        assert _get(client, "ibl_" + "x" * 43).status_code == 401
        clock.now += 30  # at most two failures in any 60 s
    assert _get(client, keys["calm"]).status_code == 200


def test_the_default_limits_stop_a_runaway_burst_but_not_ordinary_use() -> None:
    limits = Limits.of(Settings())
    clock = Clock()
    limits.clock = clock
    allowed = 0
    for _ in range(2000):  # the outside probe's burst: 2,000 requests at once from one key
        try:
            limits.spend("key:k1")
            allowed += 1
        except TooManyRequests as refused:
            assert refused.headers == {"Retry-After": "1"}
    assert allowed == 1200
    for _ in range(600):  # then 100 a second for a minute: always within the refill of 120
        clock.now += 0.01
        limits.spend("key:k1")


def test_an_expired_key_is_refused_at_once(ledger: LedgerService) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    key_id, secret = create_key(ledger, "auditor", "temp", expires_at=soon)
    assert authenticate(ledger, secret, now=soon - timedelta(seconds=1)) is not None
    assert authenticate(ledger, secret, now=soon) is None
    (entry,) = [e for e in list_keys(ledger) if e.key_id == key_id]
    assert entry.expires_at == soon


def test_an_expired_key_hears_401_through_the_api(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    _, secret = create_key(api.service, "auditor", "brief", expires_at=expires)
    auth = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/v1/ras/schemes", headers=auth).status_code == 200

    class Later(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Later:
            return cls.fromtimestamp(expires.timestamp(), tz)

    monkeypatch.setattr("ledger.keys.datetime", Later)  # the moment it expires
    gone = api.client.get("/v1/ras/schemes", headers=auth)
    assert "expired" in problem_of(gone, 401, "unauthenticated")["detail"]


def test_a_key_cannot_be_made_already_expired(ledger: LedgerService) -> None:
    from ledger.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_key(ledger, "auditor", "late", expires_at=datetime.now(UTC) - timedelta(seconds=1))


def test_use_is_recorded_at_most_once_a_day_per_key_and_never_as_an_event(ledger: LedgerService) -> None:
    key_id, secret = create_key(ledger, "auditor", "daily")
    head = ledger.recorder.max_notification_id()
    today = datetime.now(UTC)
    writes: list[bool] = []
    note = ledger.key_use.note
    ledger.key_use.note = lambda *a: writes.append(note(*a)) or writes[-1]  # type: ignore[method-assign]
    for _ in range(5):
        assert authenticate(ledger, secret, now=today) is not None
    authenticate(ledger, secret, now=today + timedelta(days=1))
    assert writes == [True, False, False, False, False, True]  # one write a day, not one a read
    assert ledger.recorder.max_notification_id() == head  # the ledger's log does not move
    (entry,) = [e for e in list_keys(ledger) if e.key_id == key_id]
    assert entry.last_used_on == (today + timedelta(days=1)).date()


def test_keys_list_shows_creation_expiry_and_last_use(run: Any, store_url: str) -> None:
    made = run("keys", "create", "--role", "auditor", "--name", "audit 2027", "--expires", "2099-04-01")
    assert made.exit_code == 0, made.output
    assert "until 2099-04-01T00:00:00+00:00" in made.stdout
    run("keys", "create", "--role", "auditor", "--name", "no end", "--expires", "30d")
    listing = run("keys", "list").stdout
    assert "2099-04-01 00:00 UTC" in listing and "never" in listing and "last used" in listing
    service = LedgerService(url=store_url)
    try:
        authenticate(service, made.stdout.split()[-1])
    finally:
        service.close()
    assert datetime.now(UTC).date().isoformat() in run("keys", "list").stdout.split("2099-04-01")[1]


@pytest.mark.parametrize("expires", ["2001-01-01", "tomorrow", "2099-01-01T10:00"])
def test_a_past_or_unreadable_expiry_is_refused(run: Any, expires: str) -> None:
    result = run("keys", "create", "--role", "auditor", "--name", "x", "--expires", expires)
    assert result.exit_code in (1, 2) and "ibl_" not in result.stdout
