"""Property-based run of the OpenAPI schema (schemathesis), on SQLite, as a caseworker.

Every operation is called with the schema's examples, boundary values and
generated valid and invalid requests. The checks: nothing is a 500; every answer
fits its documented status, content type and schema; invalid input is refused;
authentication cannot be skipped. Requests aimed at a budget go, when valid, to
a pre-opened funded budget, so they reach the domain's rules too.

`positive_data_acceptance` is left out: a JSON Schema cannot say "period_end
after period_start" or "the answers match the scheme's questions", so some
schema-valid bodies are rightly refused by the domain with 422 (or 409).

The schema is loaded at import (schemathesis' pytest fixture loader does not
run on pytest 9), on a throwaway SQLite file removed at exit.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.app import create_app
from ledger.keys import create_key
from ledger.use_cases import LedgerService
from tests.api.conftest import prepare

WORKDIR = tempfile.mkdtemp(prefix="ledger-fuzz-")
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)  # also when collected but not run
SERVICE = LedgerService(url=f"sqlite:///{WORKDIR}/fuzz.db")
_, KEY = create_key(SERVICE, "caseworker", "fuzzer")
PREPARED = prepare(SERVICE)
#: path parameter -> known ids on the prepared budget
KNOWN: dict[str, list[Any]] = {
    "budget_id": [str(PREPARED.budget_id)],
    "spend_id": [PREPARED.spend_id],
    "return_id": ["R1", "R2"],
    "trial_id": [PREPARED.trial_id],
    "dispute_id": [PREPARED.dispute_id],
    "number": [1, 2, 3],
    "scheme": ["short-breaks-points", "flat-short-breaks"],
}
APP = create_app(service=SERVICE)
APP.state.read_side.start()  # schemathesis runs no lifespan: read models follow, so min_position is met
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.auth()
class CaseworkerKey:
    def get(self, case: Any, context: Any) -> str:
        return KEY

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.hook
def map_case(context: Any, case: Any) -> Any:
    """Aim three in four valid requests at things that exist (picked by the generated value: replayable)."""
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return case
    for name, value in (case.path_parameters or {}).items():
        pick = sum(str(value).encode())
        if name in KNOWN and pick % 4:
            case.path_parameters[name] = KNOWN[name][pick % len(KNOWN[name])]
    return case


@pytest.fixture(scope="module", autouse=True)
def _close_the_store() -> Iterator[None]:
    yield
    APP.state.read_side.stop()
    SERVICE.close()


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_own_schema(case: Any) -> None:
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])
