"""The API under test: one app per test on the `ledger` fixture (SQLite and PostgreSQL), keys per role.

`Api` wraps a TestClient with a key per role variant, so a test says
`api.post(path, "broker_own", json=...)`. `prepared` opens a budget with
something of every kind in it (released money, a spend, returns, a trial, a
dispute, pending instalments) so that every route has something to act on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from ledger.aggregates.commitments import CommitmentRequest
from ledger.cli import app as cli_app
from ledger.commitments import make_commitment
from ledger.keys import create_key, revoke_key
from ledger.providers import approve_provider, register_provider
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget
from tests.conftest import CASEWORKER

PROBLEM_JSON = "application/problem+json"
PROBLEMS = "http://testserver/problems/"
#: role variant -> (role, org, family)
ROLE_VARIANTS: dict[str, tuple[str, str | None, str | None]] = {
    "caseworker": ("caseworker", None, None),
    "broker_own": ("broker", "brokerage-a", None),
    "broker_other": ("broker", "brokerage-b", None),
    "family_own": ("family", None, "FAM-001"),
    "family_other": ("family", None, "FAM-999"),
    "auditor": ("auditor", None, None),
    "commissioner": ("commissioner", None, None),
    "admin": ("admin", None, None),
}


@dataclass
class Api:
    client: TestClient
    service: LedgerService
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        return {**auth, **(extra or {})}

    def get(self, path: str, who: str | None = "caseworker", **kw: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(who, kw.pop("headers", None)), **kw)

    def post(self, path: str, who: str | None = "caseworker", **kw: Any) -> httpx.Response:
        return self.client.post(path, headers=self.headers(who, kw.pop("headers", None)), **kw)

    def version(self, budget_id: UUID | str) -> int:
        return int(self.service.load(UUID(str(budget_id))).version)


@pytest.fixture
def api(ledger: LedgerService) -> Iterator[Api]:
    keys = {
        name: create_key(ledger, role, name, org, fam)[1] for name, (role, org, fam) in ROLE_VARIANTS.items()
    }
    revoked_id, keys["revoked"] = create_key(ledger, "caseworker", "gone")
    revoke_key(ledger, revoked_id, "left the team")
    with TestClient(create_app(service=ledger, run_projections=False)) as client:
        yield Api(client, ledger, keys)


@pytest.fixture
def live_api(api: Api) -> Iterator[Api]:
    """The same API with its read models kept up to date in the background."""
    read_side = api.client.app.state.read_side  # type: ignore[attr-defined]
    read_side.start()
    try:
        yield api
    finally:
        read_side.stop()


@dataclass(frozen=True)
class Prepared:
    """A budget with something of every kind in it, and the ids a route needs."""

    budget_id: UUID
    spend_id: str
    return_to_accept: str = "R1"
    return_to_query: str = "R2"
    trial_id: str = "T1"
    dispute_id: str = "D1"
    pending_instalment: int = 2
    cancellable_instalment: int = 3
    provider_id: str = ""  # a register entry with one approval (issue 10)
    approval_id: str = "A1"
    family_ref: str = "FAM-001"  # the family of every budget `prepare` opens
    #: commitments (issue 10): a budget whose scheme takes them, with one open order of 310.00
    committing_budget: UUID | None = None
    commitment_id: str = ""

    def ids(self) -> dict[str, Any]:
        return {"id": self.budget_id, **{k: v for k, v in vars(self).items() if k != "budget_id"}}


def prepare(service: LedgerService) -> Prepared:
    budget_id = open_funded_budget(service)  # 1000.00 allocated, instalment 1 of 600.00 released
    service.schedule_instalment(CASEWORKER, budget_id, Decimal("100.00"), date(2026, 10, 1), False)
    service.schedule_instalment(CASEWORKER, budget_id, Decimal("100.00"), date(2027, 1, 1), False)
    spend = service.record_spend(CASEWORKER, budget_id, a_spend(), idempotency_key="prep").result
    for _ in range(2):
        service.submit_return(
            CASEWORKER, budget_id, date(2026, 4, 1), date(2026, 6, 30), Decimal("50.00"), ""
        )
    service.start_trial(CASEWORKER, budget_id, "PA trial", Decimal("500.00"), Decimal("700.00"))
    service.raise_dispute(CASEWORKER, budget_id, "allocation", "too low")
    provider = register_provider(
        service, CASEWORKER, f"PREP-{uuid.uuid4().int % 10**9}", "organisation", False
    )
    approve_provider(
        service,
        CASEWORKER,
        provider.provider.id,
        "background_check",
        date(2026, 4, 1),
        date(2027, 3, 31),
        "EV-1",
    )
    committing, commitment_id = prepare_commitments(service, str(provider.provider.id))
    return Prepared(
        budget_id,
        spend.spend_id,
        provider_id=str(provider.provider.id),
        committing_budget=committing,
        commitment_id=commitment_id,
    )


#: the default scheme's rules with commitments (`short-breaks-individual-budget` v3 needs the pathway)
COMMITTING_SCHEME = {
    "id": "committing",
    "version": 1,
    "title": "default rules, commitments",
    "commitments": {},
}


def prepare_commitments(service: LedgerService, provider_id: str) -> tuple[UUID, str]:
    service.publish_scheme(COMMITTING_SCHEME, by="test")
    budget_id = open_funded_budget(service, scheme="committing")
    order = CommitmentRequest(
        provider_id, "personal_assistant", "sessions", Decimal("15.50"), Decimal("20"), "hours"
    )
    made = make_commitment(service, CASEWORKER, budget_id, order)
    return budget_id, made.result.commitment_id


@pytest.fixture
def prepared(api: Api) -> Prepared:
    return prepare(api.service)


# --- valid bodies, one factory per command ------------------------------------------------
def open_body(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": f"BH-{uuid.uuid4().hex[:10]}",
        "family_ref": "FAM-001",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "management": "direct_payment",
        "cohort": "2026-pilot",
        "broker_org": "brokerage-a",
        **overrides,
    }


def spend_body(**overrides: Any) -> dict[str, Any]:
    return {
        "amount": "40.00",
        "category": "personal_assistant",
        "provider": "PA Co",
        "service_date": "2026-05-02",
        "description": "Saturday sessions",
        "units": "4",
        "unit": "hours",
        "funding_stream": "social_care",
        **overrides,
    }


def trial_spend_body(**overrides: Any) -> dict[str, Any]:
    """A trial spend: a spend without a funding stream (trials spend no real money)."""
    body = {k: v for k, v in spend_body(**overrides).items() if k != "funding_stream"}
    return body


POINTS_ANSWERS = {
    "personal_care": "some",
    "health_needs": "none",
    "behaviour": "some",
    "community_access": "none",
    "night_support": "none",
    "carer_resilience": "coping",
    "siblings": "0",
}  # 8 points x 85.00 = 680.00, capped by the universal_plus band at 600.00


def problem_of(response: httpx.Response, status: int, rule: str | None = None) -> dict[str, Any]:
    """Assert `response` is an RFC 9457 problem with `status` (and `rule`); return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEMS)
    if rule is not None:
        assert body["type"] == PROBLEMS + rule, body
    return body


@pytest.fixture
def run(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LEDGER_DATABASE_URL", store_url)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to the terminal's width
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli_app, list(args))

    return invoke
