"""Stateful run of the OpenAPI schema (schemathesis): sequences that follow the schema's links.

`POST /v1/budgets` links to every operation on the budget it opened, a spend to its
reversal, a trial to its spends and conclusion, and so on (`api.openapi.link`), so
the generated sequences open budgets and then act on them with real ids instead of
guessing. Each step is checked as the stateless run checks it (no 500, answers fit
their documented status, type and schema); at the end of each sequence every budget
it touched still keeps the money laws and its hash chain verifies.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any
from uuid import UUID

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.app import create_app
from ledger.audit import budget_events, verify_chain
from ledger.keys import create_key
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.api.conftest import open_body

WORKDIR = tempfile.mkdtemp(prefix="ledger-stateful-")
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
FIRST = LedgerService(url=f"sqlite:///{WORKDIR}/schema.db")
#: the limits are off here: the run sends thousands of requests, many on purpose without a key
UNLIMITED = Settings(rate_limit_burst=0, auth_failures_allowed=0)
APP = create_app(service=FIRST, run_projections=False, settings=UNLIMITED)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
#: what the runs did, for the test's own assertions; `service` and `key` are the current sequence's
SEEN: dict[str, Any] = {"steps": 0, "opened": set(), "followed": 0, "sequences": 0, "key": ""}


@schema.auth(refresh_interval=None)  # each sequence has a store, and a key, of its own
class CaseworkerKey:
    def get(self, case: Any, context: Any) -> str:
        return str(SEEN["key"])

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


#: operation -> a valid body, sent in place of one in two positive generated bodies so sequences get deep
STEERED: dict[tuple[str, str], Any] = {
    ("POST", "/v1/budgets"): lambda: open_body(),
    ("POST", "/v1/budgets/{budget_id}/allocation"): lambda: {
        "amounts": {"social_care": "600.00"},
        "rationale": "flat rate",
    },
    ("POST", "/v1/budgets/{budget_id}/instalments"): lambda: {
        "amount": "300.00",
        "due_on": "2026-04-01",
        "gated": False,
    },
}


@schema.hook
def map_case(context: Any, case: Any) -> Any:
    """Half the positive cases of the steered operations carry a valid body (picked by a generated value)."""
    steer = STEERED.get((case.method, case.path))
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if steer is not None and positive and len(str(case.body)) % 2:
        case.body = steer()
    return case


class Sequences(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        """Each sequence runs on a store of its own, so replaying a sequence replays its answers."""
        SEEN["sequences"] += 1
        self.service = LedgerService(url=f"sqlite:///{WORKDIR}/sequence-{SEEN['sequences']}.db")
        _, SEEN["key"] = create_key(self.service, "caseworker", "stateful fuzzer")
        APP.state.service = self.service
        self.touched: set[UUID] = set()

    def after_call(self, response: Any, case: Any) -> None:
        SEEN["steps"] += 1
        budget = (case.path_parameters or {}).get("budget_id")
        if budget in SEEN["opened"]:
            SEEN["followed"] += 1
            self.touched.add(UUID(budget))
        if case.method == "POST" and case.path == "/v1/budgets" and response.status_code == 201:
            SEEN["opened"].add(response.json()["id"])
            self.touched.add(UUID(response.json()["id"]))
        super().after_call(response, case)

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        # as in the stateless run: schema-valid bodies may still break a domain rule (422/409)
        case.validate_response(response, excluded_checks=[checks.positive_data_acceptance])

    def teardown(self) -> None:
        try:
            self.check_the_money_laws()
        finally:
            self.service.close()

    def check_the_money_laws(self) -> None:
        for budget_id in self.touched:
            budget = self.service.load(budget_id)
            figures = budget.figures()
            assert figures.available >= 0
            assert figures.available == figures.released - figures.spent - figures.recovered
            assert figures.released <= figures.allocated and figures.scheduled <= figures.allocated
            assert verify_chain(list(budget_events(self.service, budget_id))).ok


def test_sequences_that_follow_the_links_find_no_error_and_keep_the_money_laws() -> None:
    Sequences.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
    FIRST.close()
    assert SEEN["sequences"] >= 10 and SEEN["steps"] >= 50
    assert SEEN["opened"], "no sequence opened a budget"
    assert SEEN["followed"] >= 1, "no step followed a link to a budget a sequence opened"
    done = f"{SEEN['sequences']} sequences, {SEEN['steps']} steps, {SEEN['followed']} followed links"
    print(f"stateful run: {done}")
