"""Commitments, checked by the Budget with no database.

Given a budget whose scheme takes commitments, when an order is committed, paid or
cancelled, then available funds count what open commitments hold, a payment is a
real spend consuming its commitment, and each refusal records nothing.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import errors
from ledger.aggregates.budget import Budget
from ledger.aggregates.chain import canonical_json
from ledger.aggregates.commitments import CommitmentMade, CommitmentPaid, CommitmentRequest
from ledger.aggregates.figures import UNSEALED
from ledger.aggregates.provider import Standing
from ledger.aggregates.spending import SpendRequest
from ledger.schemes import builtin_schemes, parse
from ledger.use_cases import LedgerService
from tests.conftest import CASEWORKER
from tests.unit.factories import PERIOD_START, funded_budget, new_budget, refuses

COMMITTING = parse(
    {"id": "committing", "version": 1, "title": "the default rules, with commitments", "commitments": {}}
)
PA = Standing("0f4b7c1e-0000-5000-8000-000000000009", "PA-0009", "personal_assistant", False, ())
MAY = date(2026, 5, 4)


def committing(released: str = "600.00") -> Budget:
    budget = new_budget(scheme=COMMITTING)
    budget.decide_allocation(CASEWORKER, {"social_care": Decimal("1000.00")}, "test")
    number = budget.schedule_instalment(CASEWORKER, Decimal(released), PERIOD_START, gated=False)
    budget.release_instalment(CASEWORKER, number)
    return budget


def order(unit_price: str = "15.50", quantity: str = "20", unit: str | None = "hours") -> CommitmentRequest:
    return CommitmentRequest(
        PA.provider_id, "personal_assistant", "weekly sessions", Decimal(unit_price), Decimal(quantity), unit
    )


def payment(amount: str, units: str | None = None) -> SpendRequest:
    return SpendRequest(
        Decimal(amount), "other", PA.reference, MAY, "May's hours", Decimal(units) if units else None
    )


def test_a_commitment_holds_unit_price_times_quantity_of_the_available_funds() -> None:
    budget = committing()
    made = budget.make_commitment(CASEWORKER, "C1", order(), PA)
    assert made.amount == Decimal("310.00")  # 15.50 x 20 hours
    assert budget.committed == Decimal("310.00") and budget.available == Decimal("290.00")
    event = budget.pending_events[-1]
    assert isinstance(event, CommitmentMade) and event.figures.committed == Decimal("310.00")
    assert event.figures.available == Decimal("290.00")


def test_a_budget_is_never_over_committed_nor_a_commitment_spent_twice() -> None:
    budget = committing()
    budget.make_commitment(CASEWORKER, "C1", order(), PA)
    with refuses(budget, errors.InsufficientFunds) as refused:
        budget.make_commitment(CASEWORKER, "C2", order(quantity="19"), PA)  # 294.50 > 290.00
    assert "commitments already hold 310.00" in str(refused.value)
    with refuses(budget, errors.InsufficientFunds) as refused:
        budget.record_spend(
            CASEWORKER, "S1", SpendRequest(Decimal("290.01"), "equipment", "Shop", MAY, "bike")
        )
    assert "open commitments hold 310.00" in str(refused.value)
    with refuses(budget, errors.FundsRemaining):
        budget.close(CASEWORKER, "done")


def test_a_part_payment_is_a_spend_that_consumes_the_commitment() -> None:
    budget = committing()
    budget.make_commitment(CASEWORKER, "C1", order(), PA)
    spend = budget.pay_commitment(CASEWORKER, "C1", "S1", payment("155.00", units="10"), PA)
    assert (spend.category, spend.provider_id, spend.units, spend.unit) == (
        "personal_assistant", PA.provider_id, Decimal("10"), "hours"
    )  # fmt: skip
    paid, recorded = budget.pending_events[-2:]
    assert isinstance(paid, CommitmentPaid) and paid.spend_id == "S1"
    assert type(recorded).__name__ == "SpendRecorded"
    held = budget.commitments["C1"]
    assert (held.status, held.outstanding) == ("open", Decimal("155.00"))
    assert budget.spent == Decimal("155.00") and budget.available == Decimal("290.00")  # unchanged
    assert (
        budget.pay_commitment(CASEWORKER, "C1", "S1", payment("155.00", units="10"), PA) == spend
    )  # a retry
    with refuses(budget, errors.PaymentAboveCommitment):
        budget.pay_commitment(CASEWORKER, "C1", "S2", payment("155.01"), PA)
    budget.pay_commitment(CASEWORKER, "C1", "S2", payment("155.00"), PA)
    assert budget.commitments["C1"].status == "paid" and budget.committed == Decimal("0.00")
    with refuses(budget, errors.CommitmentNotOpen):
        budget.pay_commitment(CASEWORKER, "C1", "S3", payment("1.00"), PA)


def test_cancelling_releases_what_is_outstanding_once() -> None:
    budget = committing()
    budget.make_commitment(CASEWORKER, "C1", order(), PA)
    budget.pay_commitment(CASEWORKER, "C1", "S1", payment("100.00"), PA)
    budget.cancel_commitment(CASEWORKER, "C1", "the PA moved away")
    assert budget.committed == Decimal("0.00") and budget.available == Decimal("500.00")
    assert budget.pending_events[-1].released == Decimal("210.00")  # type: ignore[attr-defined]
    with refuses(budget, errors.CommitmentNotOpen):
        budget.cancel_commitment(CASEWORKER, "C1", "again")


def test_an_open_commitment_keeps_the_budget_from_closing() -> None:
    budget = committing()
    budget.make_commitment(CASEWORKER, "C1", order(quantity="1"), PA)
    budget.recover_surplus(CASEWORKER, budget.available, "year end")
    with refuses(budget, errors.CommitmentsOpen):
        budget.close(CASEWORKER, "year end")


def test_commitments_are_off_unless_the_scheme_takes_them_and_name_a_register_provider() -> None:
    budget = funded_budget()
    with refuses(budget, errors.CommitmentsNotEnabled):
        budget.make_commitment(CASEWORKER, "C1", order(), PA)
    assert budget.figures().committed is None
    budget = committing()
    with refuses(budget, errors.ProviderNotRegistered):
        budget.make_commitment(CASEWORKER, "C1", order(), None)
    with refuses(budget, errors.ItemNotFound):
        budget.pay_commitment(CASEWORKER, "C9", "S1", payment("1.00"), PA)
    assert builtin_schemes()["short-breaks-individual-budget@3"].commitments is not None
    assert builtin_schemes()["short-breaks-individual-budget@2"].commitments is None


def test_figures_without_commitments_hash_and_store_as_before() -> None:
    """`committed` (and `nights_warnings`) are left out while None, so stored events hash as they did."""
    plain = json.loads(canonical_json(UNSEALED))
    assert "committed" not in plain and "nights_warnings" not in plain
    assert set(plain) == {
        "status", "allocated", "scheduled", "released", "spent", "recovered", "available", "unreleased",
        "waiting_at_gate", "gate_return_status",
    }  # fmt: skip


def test_commitments_round_trip_through_the_transcoder(tmp_path: Any) -> None:
    budget = committing()
    budget.make_commitment(CASEWORKER, "C1", order(), PA)
    budget.pay_commitment(CASEWORKER, "C1", "S1", payment("10.00"), PA)
    app = LedgerService(url=f"sqlite:///{tmp_path}/x.db")
    try:
        transcoder = app.construct_transcoder()
        state = {"commitments": budget.commitments, "figures": budget.figures()}
        assert transcoder.decode(transcoder.encode(state)) == state
        for event in budget.pending_events:  # events and their figures too
            stored = app.mapper.to_stored_event(event)
            assert app.mapper.to_domain_event(stored) == event
    finally:
        app.close()


# --- the property: available funds never go below zero, counting open commitments -------------
commands = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), st.integers(1, 40_000), st.integers(1, 5)),
        st.tuples(st.just("pay"), st.integers(0, 5), st.integers(1, 40_000)),
        st.tuples(st.just("cancel"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("spend"), st.integers(1, 40_000), st.just(0)),
        st.tuples(st.just("reverse"), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("recover"), st.integers(1, 40_000), st.just(0)),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(commands)
def test_available_funds_never_go_below_zero_counting_open_commitments(steps: list[Any]) -> None:
    budget, commitments, spends = committing(), [], []  # type: ignore[var-annotated]
    for n, (kind, a, b) in enumerate(steps):
        pence = Decimal(a) / 100
        try:
            if kind == "commit":
                budget.make_commitment(CASEWORKER, f"C{n}", order(str(pence), str(b)), PA)
                commitments.append(f"C{n}")
            elif kind == "pay" and commitments:
                cid = commitments[a % len(commitments)]
                spends.append(
                    budget.pay_commitment(
                        CASEWORKER, cid, f"P{n}", payment(str(Decimal(b) / 100)), PA
                    ).spend_id
                )
            elif kind == "cancel" and commitments:
                budget.cancel_commitment(CASEWORKER, commitments[a % len(commitments)], "changed")
            elif kind == "spend":
                request = SpendRequest(pence, "equipment", "Shop", MAY, "kit")
                spends.append(budget.record_spend(CASEWORKER, f"S{n}", request).spend_id)
            elif kind == "reverse" and spends:
                budget.reverse_spend(CASEWORKER, spends[a % len(spends)], "wrong")
            elif kind == "recover":
                budget.recover_surplus(CASEWORKER, pence, "surplus")
        except errors.RuleBroken:
            pass
        open_total = sum((c.outstanding for c in budget.commitments.values()), Decimal(0))
        assert budget.available >= 0
        assert budget.available == budget.released - budget.spent - budget.recovered - open_total
        for held in budget.commitments.values():
            assert Decimal(0) <= held.paid <= held.amount
        figures = budget.figures()
        assert figures.available == budget.available and figures.committed == open_total
