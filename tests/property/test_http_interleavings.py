"""Random interleavings over HTTP of every route, by every role and scope (issue 14).

Two prepared budgets (both of brokerage-a and family FAM-001) and an id that does
not exist are the targets; each step, a random role variant calls a random route
of the refusal matrix on one of them. After every step: no answer is a 500; a
role the design refuses hears 403; a broker or family outside the budget's scope
hears exactly the refusal an unknown budget gets, and no answer shown to it holds
either budget's reference or family; every read a caller was given is in the
access log; and the money laws hold for both budgets.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import event as label
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from api.app import create_app
from ledger.keys import create_key
from ledger.use_cases import LedgerService
from tests.api.conftest import ROLE_VARIANTS, Api, prepare
from tests.api.routes import ROUTES, Route

OUTSIDERS = ("broker_other", "family_other")
UNKNOWN = uuid.UUID("00000000-0000-4000-8000-00000000dead")
#: totals across every run in this process, for the closing note's figures
TALLY = {"examples": 0, "steps": 0}


class HttpMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.service = LedgerService(url=f"sqlite:///{self.tmp.name}/ledger.db")
        keys = {
            name: create_key(self.service, *spec[:1], name, *spec[1:])[1]
            for name, spec in ROLE_VARIANTS.items()
        }
        self.client = TestClient(create_app(service=self.service, run_projections=False))
        self.client.__enter__()
        self.api = Api(self.client, self.service, keys)
        self.targets = {"a": prepare(self.service), "b": prepare(self.service)}
        self.targets["unknown"] = dataclasses.replace(
            self.targets["a"], budget_id=UNKNOWN, committing_budget=UNKNOWN
        )
        self.secrets = {
            text for p in ("a", "b") for text in (self.service.load(self.targets[p].budget_id).reference,)
        }
        self.reads_given = 0
        self.log_start = len(self.service.access_log.entries())
        TALLY["examples"] += 1

    def teardown(self) -> None:
        self.client.__exit__(None, None, None)
        self.service.close()
        self.tmp.cleanup()

    @rule(
        route=st.sampled_from(ROUTES),
        who=st.sampled_from(list(ROLE_VARIANTS)),
        where=st.sampled_from(["a", "b", "unknown"]),
    )
    def call(self, route: Route, who: str, where: str) -> None:
        target = where
        TALLY["steps"] += 1
        answer = route.call(self.api, self.targets[target], who)
        label(f"{answer.status_code}")
        assert answer.status_code < 500, (route.name, who, target, answer.text)
        on_budget = "{id}" in route.path or "{committing_budget}" in route.path  # commitments (issue 10)
        if who not in route.allowed:
            assert answer.status_code == 403, (route.name, who, answer.text)
        if who in OUTSIDERS or (
            on_budget and target == "unknown" and who.split("_")[0] in ("broker", "family")
        ):
            assert not any(secret in answer.text for secret in self.secrets), (route.name, who, answer.text)
            if on_budget:
                ghost = route.call(self.api, self.targets["unknown"], who)
                assert (answer.status_code, answer.json()["detail"]) == (403, ghost.json()["detail"])
        if route.method == "GET" and on_budget and target != "unknown" and answer.status_code == 200:
            self.reads_given += 1

    @invariant()
    def every_read_given_is_in_the_access_log(self) -> None:
        assert len(self.service.access_log.entries()) - self.log_start == self.reads_given

    @invariant()
    def the_money_laws_hold(self) -> None:
        for target in ("a", "b"):
            b: Any = self.service.load(self.targets[target].budget_id)
            assert 0 <= b.available == b.released - b.spent - b.recovered
            assert b.released <= b.allocated and b.scheduled <= b.allocated


TestHttpInterleavings = HttpMachine.TestCase
TestHttpInterleavings.settings = settings(
    max_examples=max(8, settings().max_examples // 20), stateful_step_count=30
)
