"""Random command sequences through the real application on SQLite: the store gives back the live budget.

After every step, the budget loaded from the store, and the fold of its stored
events, equal the budget the last successful command returned; the stored hash
chain verifies; and the money laws hold. Kept small (each example opens a fresh
SQLite file), so one rule draws the command: every command stays in play in
every example, where one rule per command would let Hypothesis switch some off.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import event as label
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledger.audit import verify_chain
from ledger.errors import LedgerError
from ledger.money import PENNY
from ledger.use_cases import LedgerService
from tests.builders import open_budget
from tests.conftest import BROKER, CASEWORKER, FAMILY
from tests.unit.factories import IN_PERIOD, a_spend

amounts = st.decimals(min_value="0.00", max_value="700.00", places=2)
keys = st.sampled_from(["k1", "k2", "k3", "k4", "k5", "k6"])


class ApplicationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.app = LedgerService(url=f"sqlite:///{self.tmp.name}/ledger.db")
        self.budget_id = open_budget(self.app)
        self.live = self.app.load(self.budget_id)

    def teardown(self) -> None:
        self.app.close()
        self.tmp.cleanup()

    def run(self, use_case: Any, *args: Any) -> None:
        """Run a use case; keep the budget it returns as the live one, unless it was refused."""
        try:
            outcome = use_case(ACTORS.get(use_case.__name__, CASEWORKER), self.budget_id, *args)
        except LedgerError as error:
            label(f"{use_case.__name__}: {type(error).__name__}")
            return
        label(f"{use_case.__name__}: ok")
        self.live = outcome.budget

    @initialize(start=st.sampled_from(["funded", "funded with a gate", "open"]))
    def start(self, start: str) -> None:
        """Most runs start with money released, so spends and returns have something to work on."""
        if start.startswith("funded"):
            self.run(self.app.decide_allocation, {"social_care": Decimal("1000.00")}, "panel")
            self.run(self.app.schedule_instalment, Decimal("600.00"), IN_PERIOD, False)
            self.run(self.app.release_instalment, 1)
        if start.endswith("gate"):
            self.run(self.app.schedule_instalment, Decimal("300.00"), IN_PERIOD, True)

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        command = data.draw(st.sampled_from(COMMANDS), label="command")
        command(self, data)

    # --- the commands: each draws what it needs -------------------------------------------
    def decide_allocation(self, data: st.DataObject) -> None:
        amount = data.draw(st.decimals(min_value="100.00", max_value="2000.00", places=2))
        self.run(self.app.decide_allocation, {"social_care": amount}, "panel")

    def schedule_instalment(self, data: st.DataObject) -> None:
        self.run(self.app.schedule_instalment, data.draw(amounts), IN_PERIOD, data.draw(st.booleans()))

    def release_instalment(self, data: st.DataObject) -> None:
        self.run(self.app.release_instalment, data.draw(st.integers(1, len(self.live.instalments) + 1)))

    def record_spend(self, data: st.DataObject) -> None:
        """A share of what is available (now and then more); a reused key replays or is refused."""
        share = data.draw(st.integers(1, 110))
        amount = max(PENNY, (self.live.available * share / 100).quantize(PENNY))
        self.run(self.app.record_spend, a_spend(str(amount)), data.draw(keys))

    def reverse_spend(self, data: st.DataObject) -> None:
        spend_id = data.draw(st.sampled_from([*sorted(self.live.spends), "unknown"]))
        self.run(self.app.reverse_spend, spend_id, "charged in error")

    def submit_return(self, data: st.DataObject) -> None:
        self.run(self.app.submit_return, date(2026, 4, 1), IN_PERIOD, data.draw(amounts), "as planned")

    def decide_return(self, data: st.DataObject) -> None:
        return_id = data.draw(st.sampled_from([*sorted(self.live.returns), "R99"]))
        if data.draw(st.booleans()):
            self.run(self.app.accept_return, return_id)
        else:
            self.run(self.app.query_return, return_id, "receipts missing")

    def recover_surplus(self, data: st.DataObject) -> None:
        amount = self.live.available if data.draw(st.booleans()) else data.draw(amounts)
        self.run(self.app.recover_surplus, amount, "surplus")

    def trial(self, data: st.DataObject) -> None:
        if not self.live.trials or data.draw(st.booleans()):
            self.run(self.app.start_trial, "pilot", data.draw(amounts), Decimal("50.00"))
        else:
            trial_id = data.draw(st.sampled_from(sorted(self.live.trials)))
            self.run(self.app.record_trial_spend, trial_id, a_spend(str(data.draw(amounts))), data.draw(keys))

    def change_status(self, data: st.DataObject) -> None:
        change = data.draw(st.sampled_from([self.app.suspend_budget, self.app.resume_budget]))
        self.run(change, "status change")

    def close(self, data: st.DataObject) -> None:
        if self.live.version >= 10:  # late in a run, so most runs carry on past the early steps
            self.run(self.app.close_budget, "year end")

    # --- the laws -------------------------------------------------------------------------------
    @invariant()
    def the_budget_loaded_from_the_store_equals_the_live_one(self) -> None:
        assert self.app.load(self.budget_id) == self.live

    @invariant()
    def folding_the_stored_events_rebuilds_the_live_budget_and_their_chain_verifies(self) -> None:
        stored: list[Any] = list(self.app.events.get(self.budget_id))
        rebuilt = None
        for each in stored:
            rebuilt = each.mutate(rebuilt)
        assert rebuilt == self.live
        result = verify_chain(stored)
        assert result.ok and result.checked == self.live.version == len(stored)

    @invariant()
    def the_money_laws_hold(self) -> None:
        b = self.live
        assert 0 <= b.available == b.released - b.spent - b.recovered
        assert b.released <= b.scheduled <= b.allocated


M = ApplicationMachine
COMMANDS = [
    M.decide_allocation,
    M.schedule_instalment,
    M.release_instalment,
    M.record_spend,
    M.record_spend,
    M.reverse_spend,
    M.submit_return,
    M.decide_return,
    M.recover_surplus,
    M.trial,
    M.change_status,
    M.close,
]
ACTORS = {"record_spend": BROKER, "record_trial_spend": BROKER, "submit_return": FAMILY}

TestApplicationMachine = ApplicationMachine.TestCase
TestApplicationMachine.settings = settings(
    max_examples=max(10, settings().max_examples // 8), stateful_step_count=25
)
