"""Whatever single stored event is edited, deleted or moved, verification names its position (hypothesis).

SQLite only (a fresh file per example): the API tests run the same tampering on both stores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.proof.checkpointing import make_checkpoint
from ledger.proof.verification import verify_ledger
from ledger.use_cases import LedgerService
from tests.api.tamper import Tamper
from tests.builders import a_spend, open_funded_budget
from tests.conftest import AUDITOR, CASEWORKER


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["edit", "delete", "swap"]))
def test_any_single_tampering_before_the_checkpoint_is_named_where_it_happened(
    data: st.DataObject, how: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.db'}"
        app = LedgerService(url=url)
        try:
            for _ in range(2):
                budget = open_funded_budget(app)
                app.record_spend(CASEWORKER, budget, a_spend("2.00"))
            kept = make_checkpoint(app, AUDITOR)
            at = data.draw(st.integers(1, kept.position), label="position")
            tamper = Tamper(url)
            if how == "edit":
                tamper.edit_one_byte(at)
            elif how == "delete":
                tamper.delete(at)
            else:
                other = data.draw(st.integers(1, kept.position).filter(lambda p: p != at), label="other")
                tamper.swap(at, other)
                at = min(at, other)
            answer = verify_ledger(app, AUDITOR, (kept.position, kept.hash))
        finally:
            app.close()
    assert not answer.ok and answer.first_failure is not None
    assert answer.first_failure.position == at, answer.first_failure
