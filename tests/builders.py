"""The one family of test-data builders: one name, one meaning, wherever a test lives.

- `a_spend` / `a_spend_on`: a spend request (the domain's `SpendRequest`);
- `open_budget`: a budget opened through the application service;
- `open_funded_budget`: opened, allocated and with one released ungated instalment.

Builders of bare aggregates (no store) are in `tests.unit.factories`; HTTP bodies are
in `tests.api.conftest`. Each name there means one thing too.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.spending import SpendRequest
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER

PERIOD_START = date(2026, 4, 1)
IN_PERIOD = date(2026, 5, 1)


def a_spend(amount: str = "50.00", **overrides: Any) -> SpendRequest:
    """A personal-assistant spend in the period; any field can be overridden."""
    fields: dict[str, Any] = dict(
        amount=Decimal(amount),
        category="personal_assistant",
        provider="PA Co",
        service_date=IN_PERIOD,
        description="support worker",
    )
    fields.update(overrides)
    return SpendRequest(**fields)


def a_spend_on(
    amount: str,
    category: str,
    on: date,
    units: str | None = None,
    unit: str | None = None,
    stream: str | None = None,
) -> SpendRequest:
    """A spend of `category` on day `on` (the read models' tests group by these)."""
    return a_spend(
        amount,
        category=category,
        service_date=on,
        units=Decimal(units) if units else None,
        unit=unit,
        funding_stream=stream,
    )


def open_budget(app: LedgerService, reference: str | None = None, **overrides: object) -> uuid.UUID:
    """Open a budget with sensible defaults (a unique reference unless given)."""
    fields: dict[str, object] = dict(
        reference=reference or f"BH-{uuid.uuid4().hex[:8]}",
        family_ref="FAM-001",
        period_start=PERIOD_START,
        period_end=date(2027, 3, 31),
        management="direct_payment",
        cohort="2026-pilot",
        broker_org="brokerage-a",
    )
    fields.update(overrides)
    return app.open_budget(CASEWORKER, **fields).result  # type: ignore[arg-type]


def open_funded_budget(
    app: LedgerService,
    allocated: str = "1000.00",
    released: str | None = "600.00",
    *,
    streams: dict[str, str] | None = None,
    **overrides: Any,
) -> uuid.UUID:
    """An active budget: allocated (social care, or `streams`), one ungated instalment released."""
    budget_id = open_budget(app, **overrides)
    amounts = {s: Decimal(a) for s, a in (streams or {"social_care": allocated}).items()}
    app.decide_allocation(CASEWORKER, budget_id, amounts, "test")
    if released:
        app.schedule_instalment(CASEWORKER, budget_id, Decimal(released), PERIOD_START, False)
        app.release_instalment(CASEWORKER, budget_id, 1)
    return budget_id


def safe_text(**kwargs: Any) -> Any:
    """A hypothesis strategy of text the ledger keeps: no controls or bidi overrides (issue 14)."""
    from hypothesis import strategies as st

    from ledger.aggregates.text import BIDI_CONTROLS

    return st.text(
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=BIDI_CONTROLS),
        **kwargs,
    )
