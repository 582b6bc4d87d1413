"""The scheme's rules on who is paid, checked by the Budget with no database.

Given a budget under a scheme and a provider's standing, when a spend is recorded,
then it counts or is refused with the rule named; each refusal records nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from ledger.aggregates.chain import _plain_leaf, event_hash
from ledger.aggregates.provider import Approval, Provider, Standing, check_reference
from ledger.aggregates.spending import SpendRequest
from ledger.schemes import builtin_schemes, parse
from tests.conftest import BROKER, CASEWORKER
from tests.unit.factories import PERIOD_END, PERIOD_START, new_budget, walk_the_pathway

SHORT_BREAKS = builtin_schemes()["short-breaks-individual-budget@2"]
SHORT_BREAKS_V1 = builtin_schemes()["short-breaks-individual-budget@1"]
MAY = date(2026, 5, 2)


def funded(scheme: Any = SHORT_BREAKS, amount: str = "4000.00") -> Budget:
    budget = new_budget(scheme=scheme, management="managed_account")
    if scheme.pathway is not None:
        walk_the_pathway(budget, Decimal(amount))
    budget.decide_allocation(
        CASEWORKER, {"social_care": Decimal(amount)}, "test", variance_reason="panel agreed more"
    )
    budget.release_instalment(CASEWORKER, 1)
    return budget


def standing(*approvals: Approval, in_house: bool = False, kind: str = "foster_carer") -> Standing:
    return Standing("0f4b7c1e-0000-5000-8000-000000000001", "FC-0001", kind, in_house, approvals)


def approval(
    kind: str, start: date, end: date, task: str | None = None, revoked: date | None = None
) -> Approval:
    return Approval("A1", kind, task, start, end, "EV-1", revoked, "lapsed" if revoked else None)


def night(
    pid: str | None = standing().provider_id, day: date = MAY, nights: str = "1", **kw: Any
) -> SpendRequest:
    fields: dict[str, Any] = dict(
        amount=Decimal("110.00"),
        category="short_term_foster_care",
        provider="",
        service_date=day,
        description="night",
        units=Decimal(nights),
        unit="nights",
        provider_id=pid,
    )
    return SpendRequest(**{**fields, **kw})


def refused(
    budget: Budget, rule: type[errors.LedgerError], request: SpendRequest, who: Standing | None
) -> str:
    version = budget.version
    with pytest.raises(rule) as caught:
        budget.record_spend(CASEWORKER, "s-refused", request, who)
    assert budget.version == version and "s-refused" not in budget.spends
    return caught.value.detail


def test_a_foster_night_needs_an_approved_foster_carer_on_the_service_date() -> None:
    budget = funded()
    detail = refused(budget, errors.ProviderNotApproved, night(), standing())
    assert "approved_foster_carer" in detail
    approved = standing(approval("approved_foster_carer", PERIOD_START, date(2026, 6, 30)))
    budget.record_spend(CASEWORKER, "s1", night(), approved)
    refused(budget, errors.ProviderNotApproved, night(day=date(2026, 7, 1)), approved)
    revoked = standing(approval("approved_foster_carer", PERIOD_START, PERIOD_END, revoked=date(2026, 5, 10)))
    budget.record_spend(CASEWORKER, "s2", night(day=date(2026, 5, 9)), revoked)
    refused(budget, errors.ProviderNotApproved, night(day=date(2026, 5, 10)), revoked)
    assert budget.spends["s1"].provider_id == approved.provider_id


def test_each_medical_task_needs_training_for_that_task() -> None:
    budget = funded()
    pa = dict(category="personal_assistant", unit="hours", medical_tasks=["tracheostomy_care"])
    trained = standing(
        approval("medical_task_training", PERIOD_START, PERIOD_END, task="gastrostomy_feeding")
    )
    detail = refused(budget, errors.ProviderNotApproved, night(**pa), trained)
    assert "tracheostomy_care" in detail
    both = standing(
        *trained.approvals, replace(trained.approvals[0], approval_id="A2", task="tracheostomy_care")
    )
    budget.record_spend(CASEWORKER, "s1", night(**pa), both)
    assert budget.spends["s1"].medical_tasks == ["tracheostomy_care"]


def test_the_in_house_exclusion_refuses_the_council_service_and_not_an_external_one() -> None:
    budget = funded()
    registered = approval("registered_care_provider", PERIOD_START, PERIOD_END)
    stay = dict(category="residential_overnight")
    refused(budget, errors.InHouseProviderExcluded, night(**stay), standing(registered, in_house=True))
    budget.record_spend(CASEWORKER, "s1", night(**stay), standing(registered))


def test_a_register_is_required_only_where_the_scheme_says() -> None:
    budget = funded()
    refused(budget, errors.ProviderNotRegistered, night(pid=None, provider="Neighbour"), None)
    refused(budget, errors.ProviderNotRegistered, night(), None)  # a provider_id not in the register
    club = night(pid=None, provider="Swimming club", category="community_activity", unit="sessions")
    budget.record_spend(CASEWORKER, "s1", club, None)
    permissive = new_budget(management="managed_account")
    permissive.decide_allocation(CASEWORKER, {"social_care": Decimal("1000.00")}, "test")
    permissive.schedule_instalment(CASEWORKER, Decimal("1000.00"), PERIOD_START, False)
    permissive.release_instalment(CASEWORKER, 1)
    permissive.record_spend(CASEWORKER, "s1", night(pid=None, provider="Neighbour"), None)


def test_version_one_enforces_the_approvals_its_document_named() -> None:
    budget = funded(SHORT_BREAKS_V1)
    refused(budget, errors.ProviderNotRegistered, night(pid=None, provider="Neighbour"), None)
    in_house = standing(approval("registered_care_provider", PERIOD_START, PERIOD_END), in_house=True)
    budget.record_spend(
        CASEWORKER, "s1", night(category="residential_overnight"), in_house
    )  # v1 had no exclusion


def test_crossing_a_nights_threshold_needs_an_override_that_the_event_keeps() -> None:
    budget = funded()
    carer = standing(approval("approved_foster_carer", PERIOD_START, PERIOD_END))
    budget.record_spend(CASEWORKER, "s1", night(nights="16", amount=Decimal("160.00")), carer)
    budget.record_spend(CASEWORKER, "s2", night(nights="1"), carer)  # 17: at the threshold, not past it
    refused(budget, errors.NightsThresholdOverrideRequired, night(), carer)
    budget.record_spend(CASEWORKER, "s3", night(nights_override_reason="parent in hospital"), carer)
    [recorded] = [e for e in budget.pending_events if isinstance(e, ev.SpendRecorded) and e.spend_id == "s3"]
    assert recorded.nights_override_reason == "parent in hospital"
    budget.reverse_spend(CASEWORKER, "s1", "entered twice")  # 2 nights left in May: room again
    budget.record_spend(CASEWORKER, "s4", night(), carer)


def test_a_held_spend_is_checked_against_the_providers_standing_again_when_approved() -> None:
    budget = funded(amount="8000.00")  # 2000.00 released
    approved = standing(approval("approved_foster_carer", PERIOD_START, PERIOD_END))
    large = night(amount=Decimal("1200.00"), nights="10")
    budget.record_spend(BROKER, "held", large, approved)
    assert "held" in budget.awaiting_approval
    with pytest.raises(errors.ProviderNotApproved):
        budget.approve_spend(CASEWORKER, "held", standing())  # the approval was withdrawn meanwhile
    budget.approve_spend(CASEWORKER, "held", approved)
    assert budget.spends["held"].provider_id == approved.provider_id


def test_a_request_without_provider_fields_keeps_the_fingerprint_it_had_before_the_register() -> None:
    request = SpendRequest(
        Decimal("40.00"), "personal_assistant", "PA Co", MAY, "hours", Decimal("4"), "hours"
    )
    before = {
        k: v
        for k, v in vars(request).items()
        if k not in ("provider_id", "medical_tasks", "nights_override_reason")
    }
    expected = hashlib.sha256(json.dumps(before, sort_keys=True, default=_plain_leaf).encode()).hexdigest()
    assert request.fingerprint == expected


def test_a_spend_stored_before_the_register_upcasts_and_hashes_as_it_did() -> None:
    stored: dict[str, Any] = {"spend_id": "s1", "amount": "40.00", "category": "personal_assistant"}
    upcast = dict(stored)
    ev.SpendRecorded.upcast_v1_v2(upcast)
    assert upcast["provider_id"] is None and upcast["medical_tasks"] is None
    when = datetime(2026, 5, 1, tzinfo=UTC)
    budget_id = standing().provider_id
    assert event_hash("SpendRecorded", budget_id, 3, when, upcast) == event_hash(  # type: ignore[arg-type]
        "SpendRecorded",
        budget_id,
        3,
        when,
        stored,  # type: ignore[arg-type]
    )


def test_a_provider_is_a_reference_not_a_name_and_approvals_are_checked() -> None:
    for name in ("Jane Smith", "JANE-SMITH", "jane-0042", "PA 0042", ""):
        with pytest.raises(errors.InvalidProviderReference):
            check_reference(name)
    provider = Provider.register(CASEWORKER, "PA-0042", "personal_assistant", False)
    with pytest.raises(errors.InvalidApproval):
        provider.approve(CASEWORKER, "medical_task_training", MAY, PERIOD_END, "EV-1")
    with pytest.raises(errors.InvalidApproval):
        provider.approve(CASEWORKER, "background_check", MAY, MAY - timedelta(days=1), "EV-1")
    aid = provider.approve(CASEWORKER, "background_check", MAY, PERIOD_END, "EV-1")
    provider.revoke(CASEWORKER, aid, "lapsed", date(2026, 6, 1))
    with pytest.raises(errors.ApprovalAlreadyRevoked):
        provider.revoke(CASEWORKER, aid, "again", date(2026, 6, 1))
    assert provider.standing().holds("background_check", date(2026, 5, 31))
    assert not provider.standing().holds("background_check", date(2026, 6, 1))


DAYS = st.integers(min_value=0, max_value=364).map(lambda n: PERIOD_START + timedelta(days=n))


@given(
    st.lists(st.tuples(DAYS, DAYS, st.one_of(st.none(), DAYS)), max_size=4),
    DAYS,
)
def test_a_foster_night_counts_exactly_when_some_approval_is_in_force_that_day(
    windows: list[tuple[date, date, date | None]], day: date
) -> None:
    approvals = tuple(
        Approval(f"A{n}", "approved_foster_carer", None, min(a, b), max(a, b), "EV", revoked)
        for n, (a, b, revoked) in enumerate(windows)
    )
    in_force = any(
        a.valid_from <= day <= a.valid_to and (a.revoked_from is None or day < a.revoked_from)
        for a in approvals
    )
    budget = funded()
    request = night(day=day)
    if in_force:
        budget.record_spend(CASEWORKER, "s1", request, standing(*approvals))
        assert "s1" in budget.spends
    else:
        refused(budget, errors.ProviderNotApproved, request, standing(*approvals))


def test_the_shipped_short_breaks_v2_document_parses_back_to_itself() -> None:
    assert parse(SHORT_BREAKS.document()) == SHORT_BREAKS
    assert SHORT_BREAKS.in_house_excluded == ["residential_overnight"]
