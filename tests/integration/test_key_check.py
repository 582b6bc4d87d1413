"""The key check keeps a decoded ring per ledger, yet a key made or revoked elsewhere counts at once.

Each ledger stands for a server process on the same store: the first has the ring
in hand before the second changes it, and must see the change on its next check.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.keys import authenticate, create_key, revoke_key
from ledger.use_cases import LedgerService


def test_a_key_revoked_by_another_process_is_refused_on_the_next_check(store_url: str) -> None:
    server, admin = LedgerService(url=store_url), LedgerService(url=store_url)
    try:
        key_id, secret = create_key(admin, "caseworker", "Ann")
        assert authenticate(server, secret) is not None  # the server now holds the ring
        revoke_key(admin, key_id, "left the team")
        assert authenticate(server, secret) is None
    finally:
        server.close()
        admin.close()


def test_a_key_made_by_another_process_is_accepted_on_the_next_check(store_url: str) -> None:
    server, admin = LedgerService(url=store_url), LedgerService(url=store_url)
    try:
        _, first = create_key(admin, "caseworker", "Ann")
        assert authenticate(server, first) is not None
        _, second = create_key(admin, "broker", "Bob", org="brokerage-1")
        actor = authenticate(server, second)
        assert actor is not None and actor.role == "broker" and actor.org == "brokerage-1"
    finally:
        server.close()
        admin.close()


def test_checking_a_key_leaves_the_held_ring_unchanged_for_the_next_caller(store_url: str) -> None:
    ledger = LedgerService(url=store_url)
    try:
        _, secret = create_key(ledger, "caseworker", "Ann")
        now = datetime.now(UTC)
        first = authenticate(ledger, secret, now)
        again = authenticate(ledger, secret, now)
        assert first == again and authenticate(ledger, secret + "x", now) is None
    finally:
        ledger.close()
