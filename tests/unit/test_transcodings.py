"""Every event and every snapshot comes back from the store's mapper exactly as it went in."""

from __future__ import annotations

import tempfile
import unittest
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder
from eventsourcing.tests import persistence as library
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.aggregates import events as ev
from ledger.aggregates import plan_events as pe
from ledger.aggregates.budget import Budget
from ledger.aggregates.chain import recompute
from ledger.aggregates.figures import Figures
from ledger.aggregates.keyring import KeyEntry
from ledger.aggregates.state import Allocation, Dispute, Instalment, MonitoringReturn, Review, Spend, Trial
from ledger.aggregates.vocabulary import BudgetStatus, Category, ReturnStatus, Unit
from ledger.use_cases import LedgerService
from tests.builders import safe_text
from tests.conftest import BROKER
from tests.unit.factories import (
    PERIOD_END,
    PERIOD_START,
    a_budget_with_every_event,
    a_budget_with_every_kind_of_state,
    a_spend,
    funded_budget,
    recorded,
)


@pytest.fixture(scope="module")
def app() -> Iterator[LedgerService]:
    with tempfile.TemporaryDirectory() as tmp:
        service = LedgerService(url=f"sqlite:///{tmp}/x.db")
        try:
            yield service
        finally:
            service.close()


def round_trip(app: LedgerService, domain_event: Any) -> Any:
    return app.mapper.to_domain_event(app.mapper.to_stored_event(domain_event))


def every_event_class() -> set[type]:
    found: set[type] = set()
    pending = [ev.BudgetEvent]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__module__ in (ev.__name__, pe.__name__):
                found.add(sub)
                pending.append(sub)
    return found


def test_the_sample_budget_records_every_kind_of_event() -> None:
    kinds = {type(e) for e in recorded(a_budget_with_every_event())}
    assert kinds == every_event_class()


def test_every_event_round_trips_through_the_mapper_unchanged(app: LedgerService) -> None:
    for event in recorded(a_budget_with_every_event()):
        again = round_trip(app, event)
        assert type(again) is type(event)
        assert again == event
        assert recompute(again) == event.hash


def test_a_snapshot_of_a_budget_in_every_kind_of_state_rebuilds_an_equal_budget(app: LedgerService) -> None:
    budget = a_budget_with_every_kind_of_state()
    budget.collect_events()
    snapshot = round_trip(app, Budget.Snapshot.take(budget))
    rebuilt = snapshot.mutate(None)
    assert rebuilt == budget
    assert rebuilt.available == budget.available
    assert all(isinstance(i, Instalment) for i in rebuilt.instalments)
    assert all(isinstance(s, Spend) for t in rebuilt.trials.values() for s in t.spends.values())


def test_a_budget_rebuilt_from_a_snapshot_carries_on_like_the_original(app: LedgerService) -> None:
    budget = a_budget_with_every_kind_of_state()
    budget.collect_events()
    rebuilt = round_trip(app, Budget.Snapshot.take(budget)).mutate(None)
    for each in (budget, rebuilt):
        each.record_spend(BROKER, "after", a_spend("10.00"))
        each.collect_events()
    assert rebuilt.spent == budget.spent


@st.composite
def spend_requests(draw: st.DrawFn) -> Any:
    units = draw(st.none() | st.decimals(min_value="0.01", max_value="99.99", places=2))
    return a_spend(
        str(draw(st.decimals(min_value="0.01", max_value="300.00", places=2))),
        category=draw(st.sampled_from(Category)),
        provider=draw(safe_text(min_size=1, max_size=20).filter(str.strip)),
        service_date=draw(st.dates(min_value=PERIOD_START, max_value=PERIOD_END)),
        description=draw(safe_text(max_size=40)),
        units=units,
        unit=None if units is None else draw(st.sampled_from(Unit)),
        funding_stream=draw(st.none() | st.just("social_care")),
    )


@settings(max_examples=50, deadline=None)
@given(request=spend_requests())
def test_any_spend_event_round_trips_unchanged(app: LedgerService, request: Any) -> None:
    budget = funded_budget("1000.00", "600.00")
    budget.record_spend(BROKER, "s", request)
    event = recorded(budget)[-1]
    assert round_trip(app, event) == event


class TestLedgerTranscodingsPassTheLibraryTranscoderTests(library.TranscoderTestCase):
    """The library authors' transcoder tests, run on the transcoder our application builds."""

    def construct_transcoder(self) -> Any:
        self.tmp = tempfile.TemporaryDirectory()
        self.app = LedgerService(url=f"sqlite:///{Path(self.tmp.name)}/x.db")
        transcoder = self.app.construct_transcoder()
        assert isinstance(transcoder, JSONTranscoder)
        transcoder.register(library.CustomType1AsDict())
        transcoder.register(library.CustomType2AsDict())
        return transcoder

    # The library's own JSONTranscoder test skips these six: its JSON transcoder turns tuples
    # into lists and built-in subclasses into their base types. So does ours.
    @unittest.skip("JSONTranscoder converts tuples to lists")
    def test_tuple(self) -> None:
        pass

    @unittest.skip("JSONTranscoder converts tuples to lists")
    def test_mixed(self) -> None:
        pass

    @unittest.skip("JSONTranscoder converts dict subclasses to dict")
    def test_dict_subclass(self) -> None:
        pass

    @unittest.skip("JSONTranscoder converts list subclasses to list")
    def test_list_subclass(self) -> None:
        pass

    @unittest.skip("JSONTranscoder converts str subclasses to str")
    def test_str_subclass(self) -> None:
        pass

    @unittest.skip("JSONTranscoder converts int subclasses to int")
    def test_int_subclass(self) -> None:
        pass

    def tearDown(self) -> None:
        self.app.close()
        self.tmp.cleanup()
        super().tearDown()

    def test_date(self) -> None:
        for value in (date(2026, 4, 1), date.min, date.max, {"due": [date(2027, 3, 31)]}):
            self.assertEqual(value, self.transcoder.decode(self.transcoder.encode(value)))

    def test_ledger_state_dataclasses(self) -> None:
        spend = Spend(
            "s",
            Decimal("1.00"),
            "other",
            "p",
            date(2026, 5, 1),
            "",
            Decimal("2.50"),
            "hours",
            None,
            None,
            "f",
        )
        values = [
            Allocation({"health": Decimal("1.00")}, "r", answers={"q": "a"}, working=["w"]),
            Instalment(1, Decimal("5.00"), date(2026, 4, 1), True),
            spend,
            MonitoringReturn("R1", date(2026, 4, 1), date(2026, 9, 30), Decimal("0.00"), "", 3),
            Trial("T1", "t", Decimal("9.00"), Decimal("0.00"), Decimal("1.00"), spends={"s": spend}),
            Dispute("D1", "spend", "s", "grounds"),
            Review(date(2026, 4, 1), "ok", date(2027, 4, 1)),
            Figures(BudgetStatus.ACTIVE, *[Decimal("1.00")] * 7, [2, 3], ReturnStatus.QUERIED),
        ]
        for value in values:
            self.assertEqual(value, self.transcoder.decode(self.transcoder.encode(value)))

    def test_key_entries(self) -> None:
        entry = KeyEntry("k1", "ab" * 32, "name", "broker", "org", None, datetime(2026, 1, 1, tzinfo=UTC))
        self.assertEqual(entry, self.transcoder.decode(self.transcoder.encode(entry)))
