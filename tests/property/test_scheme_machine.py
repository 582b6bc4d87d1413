"""Any sequence of commands under any budget scheme keeps the scheme's limits.

Hypothesis draws a scheme (a maximum or none, one to four instalments with any of
them gated, a `submitted` or `accepted` gate, hand-scheduled extras allowed or
not, a bank account required or not), publishes nothing but parses it as strictly as
`ledger schemes publish` would, opens a budget under it and drives it at random.
After every step: the allocation never exceeds the maximum, a scheme that forbids
extras never has more instalments than its pattern, and every gated instalment
released was released through an open gate as the scheme defines it (checked by a
model that keeps its own account of returns and releases, not by the aggregate).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledger import errors
from ledger.aggregates.budget import Budget
from ledger.aggregates.vocabulary import InstalmentStatus
from ledger.schemes import BudgetScheme, parse
from tests.conftest import CASEWORKER, FAMILY
from tests.unit.factories import PERIOD_END, PERIOD_START, new_budget

money = st.decimals(min_value="0.01", max_value="3000.00", places=2)


@st.composite
def schemes(draw: Any) -> BudgetScheme:
    steps = draw(st.lists(st.booleans(), min_size=0, max_size=4))
    maximum = draw(st.none() | st.decimals(min_value="1.00", max_value="2000.00", places=2))
    return parse(
        {
            "id": "drawn",
            "version": 1,
            "title": "a drawn scheme",
            "maximum_allocation": None if maximum is None else str(maximum),
            "instalments": {
                "steps": [{"months_after_start": 3 * n, "gated": g} for n, g in enumerate(steps)],
                "extras_allowed": draw(st.booleans()),
            },
            "gate": draw(st.sampled_from(["submitted", "accepted"])),
            "bank_account_required": draw(st.booleans()),
        }
    )


class SchemeMachine(RuleBasedStateMachine):
    budget: Budget
    scheme: BudgetScheme

    @initialize(scheme=schemes())
    def open_under(self, scheme: BudgetScheme) -> None:
        self.scheme = scheme
        self.budget = new_budget(scheme=scheme, period_start=PERIOD_START, period_end=PERIOD_END)
        #: the model's own account: return id -> (status, submitted after release number k)
        self.returns: dict[str, list[Any]] = {}
        self.releases = 0

    def model_gate_open(self) -> bool:
        passing = {"accepted"} | ({"submitted"} if self.scheme.gate == "submitted" else set())
        return any(status in passing and after == self.releases for status, after in self.returns.values())

    def attempt(self, command: Any, *args: Any) -> bool:
        version = self.budget.version
        try:
            command(*args)
        except (errors.RuleBroken, errors.NotFound, errors.InvalidInput):
            assert self.budget.version == version  # a refusal records nothing
            return False
        return True

    @rule(amount=money)
    def decide(self, amount: Decimal) -> None:
        self.attempt(self.budget.decide_allocation, CASEWORKER, {"social_care": amount}, "drawn")

    @rule(amount=money)
    def revise(self, amount: Decimal) -> None:
        self.attempt(self.budget.revise_allocation, CASEWORKER, {"social_care": amount}, "drawn")

    @rule(amount=money, gated=st.booleans())
    def schedule_by_hand(self, amount: Decimal, gated: bool) -> None:
        self.attempt(self.budget.schedule_instalment, CASEWORKER, amount, PERIOD_START, gated)

    @rule()
    def confirm_bank_account(self) -> None:
        self.attempt(self.budget.confirm_bank_account, CASEWORKER, date(2026, 4, 2))

    @rule(number=st.integers(min_value=1, max_value=6))
    def release(self, number: int) -> None:
        instalment = self.budget.instalments[number - 1] if number <= len(self.budget.instalments) else None
        gate_was_open = self.model_gate_open()
        if self.attempt(self.budget.release_instalment, CASEWORKER, number):
            assert instalment is not None
            if instalment.gated:
                assert gate_was_open, "a gated instalment was released through a closed gate"
            self.releases += 1

    @rule()
    def submit(self) -> None:
        if self.attempt(
            self.budget.submit_return, FAMILY, PERIOD_START, date(2026, 9, 30), Decimal("10.00"), "drawn"
        ):
            self.returns[f"R{len(self.returns) + 1}"] = ["submitted", self.releases]

    @rule(data=st.data(), accept=st.booleans())
    def decide_return(self, data: Any, accept: bool) -> None:
        if not self.returns:
            return
        return_id = data.draw(st.sampled_from(sorted(self.returns)))
        command = self.budget.accept_return if accept else self.budget.query_return
        args = (CASEWORKER, return_id) if accept else (CASEWORKER, return_id, "drawn")
        if self.attempt(command, *args):
            self.returns[return_id][0] = "accepted" if accept else "queried"

    @invariant()
    def the_allocation_stays_within_the_maximum(self) -> None:
        maximum = self.scheme.maximum_allocation
        assert maximum is None or self.budget.allocated <= maximum

    @invariant()
    def the_instalments_follow_the_pattern(self) -> None:
        steps = self.scheme.instalments.steps
        if self.budget.allocation is not None and steps:
            pattern = self.budget.instalments[: len(steps)]
            assert [i.gated for i in pattern] == [s.gated for s in steps]
        if not self.scheme.instalments.extras_allowed:
            expected = len(steps) if self.budget.allocation is not None else 0
            assert len(self.budget.instalments) == expected

    @invariant()
    def money_moves_into_a_confirmed_account_where_the_scheme_says_so(self) -> None:
        released = any(i.status == InstalmentStatus.RELEASED for i in self.budget.instalments)
        if released and self.scheme.bank_account_required:
            assert self.budget.bank_account_confirmed_on is not None

    @invariant()
    def released_stays_within_allocated(self) -> None:
        assert self.budget.released <= self.budget.allocated


TestSchemeMachine = SchemeMachine.TestCase
