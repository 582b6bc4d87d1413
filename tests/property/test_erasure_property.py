"""Erasing one family changes no figure anywhere and no other family's text (hypothesis, SQLite)."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import audit
from ledger.erasure import erase_family_text
from ledger.use_cases import LedgerService
from tests.builders import a_spend, open_funded_budget, safe_text
from tests.conftest import ADMIN, AUDITOR, CASEWORKER

words = safe_text(min_size=1, max_size=40).filter(lambda t: t.strip() != "")
#: per budget: (spend amounts in pence with their descriptions, a reason to suspend or None)
histories = st.lists(st.tuples(st.integers(1, 5000), words), max_size=4)


def write(service: LedgerService, family: str, spends: list[tuple[int, str]], reason: str) -> UUID:
    budget = open_funded_budget(service, family_ref=family)
    for pence, description in spends:
        service.record_spend(CASEWORKER, budget, a_spend(str(Decimal(pence) / 100), description=description))
    service.suspend_budget(CASEWORKER, budget, reason)
    return budget


def shown(service: LedgerService, budget: UUID) -> list[Any]:
    """The history as an auditor sees it: figures and revealed text, without the erasure's own event."""
    events = [audit.describe(e) for e in audit.history(service, AUDITOR, budget)]
    return service.reveal(
        [{**e["data"], "type": e["type"]} for e in events if e["type"] != "FamilyTextErased"]
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mine=histories, theirs=histories, my_reason=words, their_reason=words, erasure_reason=words)
def test_erasing_one_family_changes_no_figure_and_no_other_familys_text(
    mine: list[tuple[int, str]],
    theirs: list[tuple[int, str]],
    my_reason: str,
    their_reason: str,
    erasure_reason: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        service = LedgerService(url=f"sqlite:///{folder}/ledger.db")
        try:
            a = write(service, "FAM-A", mine, my_reason)
            b = write(service, "FAM-B", theirs, their_reason)
            before = {x: (asdict(service.load(x).figures()), shown(service, x)) for x in (a, b)}
            erase_family_text(service, ADMIN, "FAM-A", erasure_reason)
            after = {x: (asdict(service.load(x).figures()), shown(service, x)) for x in (a, b)}
            assert after[b] == before[b]  # the other family: figures and text as they were
            assert after[a][0] == before[a][0]  # every figure of the erased family's budget
            texts = [(e.get("description"), e.get("reason")) for e in after[a][1]]
            assert all(t is None or t.startswith("[erased ") for pair in texts for t in pair)
            numbers = [(e["type"], e.get("amount"), e.get("category")) for e in after[a][1]]
            assert numbers == [(e["type"], e.get("amount"), e.get("category")) for e in before[a][1]]
            assert audit.verify(service, AUDITOR, a).ok
        finally:
            service.close()


def test_a_spend_on_the_day_of_erasure_is_dated_in_its_marker() -> None:
    with tempfile.TemporaryDirectory() as folder:
        service = LedgerService(url=f"sqlite:///{folder}/ledger.db")
        try:
            budget = write(service, "FAM-C", [(100, "swim")], "away")
            erasure = erase_family_text(service, ADMIN, "FAM-C", "request")
            (spend,) = [e for e in shown(service, budget) if e["type"] == "SpendRecorded"]
            assert spend["description"] == f"[erased {erasure.erased_at.date().isoformat()}]"
            assert spend["service_date"] == date(2026, 5, 1)
        finally:
            service.close()
