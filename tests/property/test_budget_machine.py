"""Any sequence of commands keeps the ledger's laws: one Budget driven at random beside a simple model.

Each rule asks the model (`budget_model.Model`) what the command should do, runs
it on the aggregate, and updates the model only on success. A refusal must raise
exactly the expected error and leave the aggregate and the model as they were,
with no event recorded. Whether accepted or refused, a command never changes a
copy of the budget taken before it (the copy the application's cache keeps while
a command works on another, sharing the budget's items). After every step the
invariants of DESIGN.md hold, the hash chain over every event so far verifies,
and folding those events rebuilds an aggregate equal to the live one.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import event as label
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.budget import Budget
from ledger.aggregates.plan_state import OutcomeRatingIn, PlannedLine
from ledger.audit import verify_chain
from ledger.money import ZERO, to_money, total
from ledger.ras import Assessment, assess, get_scheme
from ledger.schemes import parse
from tests.conftest import BROKER, CASEWORKER, FAMILY
from tests.property.budget_model import Error, Instalment, Model, Trial
from tests.unit.factories import (
    IN_PERIOD,
    PERIOD_END,
    PERIOD_START,
    TARGETED_ANSWERS,
    a_spend,
    new_budget,
    state_of,
)

REFUSED = object()
#: the default scheme's rules, with a Resource Panel above the indicative amount plus 100.00
PANEL_SCHEME = parse({"id": "panel-above-100", "version": 1, "title": "panel", "panel_threshold": "100.00"})
#: indicative budgets of 850.00, 600.00 and 1530.00 from the points scheme
ASSESSMENTS = [
    assess(get_scheme("short-breaks-points", 1), {**TARGETED_ANSWERS, **change})
    for change in ({}, {"behaviour": "some", "carer_resilience": "coping"}, {"night_support": "substantial"})
]

amounts = st.decimals(min_value="0.00", max_value="400.00", places=2) | st.decimals(
    min_value="0.00", max_value="2000.00", places=2
)
positive_amounts = st.decimals(min_value="0.01", max_value="1500.00", places=2)
#: mostly an ordinary day, sometimes the first or last day of the period, now and then outside it
service_dates = st.sampled_from([IN_PERIOD] * 5 + [PERIOD_START, PERIOD_END, PERIOD_END + timedelta(days=1)])


def existing_or_new(ids: Any, new: str) -> st.SearchStrategy[str]:
    """One of the ids already used, or (as often as any one of them) an id never used."""
    return st.sampled_from([*sorted(ids), new])


def a_number(instalments: list[Any]) -> st.SearchStrategy[int]:
    """The number of an instalment, or one past the last."""
    return st.sampled_from(range(1, len(instalments) + 2))


class BudgetMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.budget = new_budget(period_start=PERIOD_START, period_end=PERIOD_END, scheme=PANEL_SCHEME)
        self.events: list[Any] = list(self.budget.collect_events())
        self.model = Model(period=(PERIOD_START, PERIOD_END))

    def attempt(self, expected: Error, command: Any, *args: Any) -> Any:
        """Run `command(*args)`: it must do what the model expects, and a refusal must change nothing."""
        label(f"{command.__name__}: {expected.__name__ if expected else 'ok'}")
        before, model_before = state_of(self.budget), copy.deepcopy(self.model)
        cached = copy.deepcopy(self.budget)  # as the cache copies: the items are shared
        try:
            result = self.leaving_alone(cached, before, command, *args)
        except errors.LedgerError as error:
            assert expected is not None, f"refused with {error!r}; the model expected success"
            assert type(error) is expected, f"refused with {error!r}; expected {expected.__name__}"
            assert self.budget.pending_events == []
            assert state_of(self.budget) == before
            assert self.model == model_before
            return REFUSED
        assert expected is None, f"succeeded; the model expected {expected.__name__}"
        recorded = self.budget.collect_events()
        self.events.extend(recorded)
        self.model.version += len(recorded)
        return result

    @staticmethod
    def leaving_alone(cached: Budget, as_it_was: dict[str, Any], command: Any, *args: Any) -> Any:
        """`command(*args)`, which must leave `cached` (a copy of the budget before it) as it was."""
        try:
            return command(*args)
        finally:
            assert state_of(cached) == as_it_was

    @initialize(
        start=st.sampled_from(["open", "allocated", "funded", "funded with a gate", "assessed", "planned"])
    )
    def start(self, start: str) -> None:
        """Begin at any stage of a budget's life, so short runs still reach the later rules."""
        if start in ("assessed", "planned"):  # the pathway: the allocation waits on them
            self.set_indicative(ASSESSMENTS[0])
            if start == "planned":
                self.agree_support_plan(Decimal("500.00"), 2, revising=False)
            return
        if start != "open":
            self.decide_allocation(Decimal("1000.00"), None)
        if start.startswith("funded"):
            self.schedule_instalment(Decimal("600.00"), gated=False)
            self.release(1)
        if start.endswith("gate"):
            self.schedule_instalment(Decimal("300.00"), gated=True)

    # --- allocation and instalments --------------------------------------------------------
    @rule(social=positive_amounts, health=st.none() | positive_amounts)
    def decide_allocation(self, social: Decimal, health: Decimal | None) -> None:
        amounts = {"social_care": social} | ({"health": health} if health is not None else {})
        expected = self.model.expect_decide(total(to_money(a) for a in amounts.values()))
        decide = self.budget.decide_allocation
        if self.attempt(expected, decide, CASEWORKER, amounts, "panel", None, "differs") is not REFUSED:
            self.model.decided(amounts)

    @rule(amount=positive_amounts)
    def revise_allocation(self, amount: Decimal) -> None:
        if (
            self.attempt(
                self.model.expect_revise(amount),
                self.budget.revise_allocation,
                CASEWORKER,
                {"social_care": amount},
                "revised",
            )
            is not REFUSED
        ):
            self.model.allocated = to_money(amount)

    @rule(amount=amounts, gated=st.booleans())
    def schedule_instalment(self, amount: Decimal, gated: bool) -> None:
        number = self.attempt(
            self.model.expect_schedule(amount),
            self.budget.schedule_instalment,
            CASEWORKER,
            amount,
            IN_PERIOD,
            gated,
        )
        if number is not REFUSED:
            self.model.instalments.append(Instalment(to_money(amount), gated))
            assert number == len(self.model.instalments)

    @rule(data=st.data())
    def release_instalment(self, data: st.DataObject) -> None:
        self.release(data.draw(a_number(self.model.instalments), label="number"))

    def release(self, number: int) -> None:
        if (
            self.attempt(
                self.model.expect_release(number), self.budget.release_instalment, CASEWORKER, number
            )
            is not REFUSED
        ):
            self.model.released_instalment(number)

    @rule(data=st.data())
    def cancel_instalment(self, data: st.DataObject) -> None:
        number = data.draw(a_number(self.model.instalments), label="number")
        if (
            self.attempt(
                self.model.expect_cancel(number),
                self.budget.cancel_instalment,
                CASEWORKER,
                number,
                "replanned",
            )
            is not REFUSED
        ):
            self.model.instalments[number - 1].status = "cancelled"

    # --- spending -------------------------------------------------------------------------
    @rule(amount=amounts, service_date=service_dates)
    def record_a_new_spend(self, amount: Decimal, service_date: date) -> None:
        self.spend(f"s{len(self.model.spends) + 1}", amount, service_date)

    @precondition(lambda self: self.model.spends)
    @rule(data=st.data(), amount=amounts, service_date=service_dates)
    def reuse_a_spend_key(self, data: st.DataObject, amount: Decimal, service_date: date) -> None:
        """Mostly with another body (refused), by chance with the same one (a replay)."""
        self.spend(data.draw(st.sampled_from(sorted(self.model.spends)), label="key"), amount, service_date)

    def spend(self, key: str, amount: Decimal, service_date: date) -> None:
        expected = self.model.expect_spend(key, to_money(amount), service_date)
        request = a_spend(str(amount), service_date=service_date)
        spend = self.attempt(expected, self.budget.record_spend, BROKER, key, request)
        if spend is not REFUSED:
            self.model.spent_on(key, amount, service_date)
            assert (spend.spend_id, spend.amount, spend.service_date) == (key, *self.model.spends[key])

    @precondition(lambda self: self.model.spends)
    @rule(data=st.data())
    def replay_a_spend_with_the_same_body(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.model.spends)), label="key")
        amount, service_date = self.model.spends[key]
        version = self.model.version
        spend = self.attempt(
            None, self.budget.record_spend, BROKER, key, a_spend(str(amount), service_date=service_date)
        )
        assert self.model.version == version, "a replay records nothing"
        assert spend == self.budget.spends[key]

    @precondition(lambda self: self.model.spends)
    @rule(data=st.data())
    def reverse_spend(self, data: st.DataObject) -> None:
        key = data.draw(existing_or_new(self.model.spends, "s-unknown"), label="key")
        if (
            self.attempt(
                self.model.expect_reverse(key), self.budget.reverse_spend, CASEWORKER, key, "charged in error"
            )
            is not REFUSED
        ):
            self.model.reversed_spend(key)

    @rule(amount=amounts, everything=st.booleans())
    def recover_surplus(self, amount: Decimal, everything: bool) -> None:
        amount = self.model.available if everything else amount
        if (
            self.attempt(
                self.model.expect_recover(amount), self.budget.recover_surplus, CASEWORKER, amount, "surplus"
            )
            is not REFUSED
        ):
            self.model.recovered += to_money(amount)

    # --- monitoring returns -----------------------------------------------------------------
    @rule(declared=amounts)
    def submit_return(self, declared: Decimal) -> None:
        return_id = self.attempt(
            self.model.closed(),
            self.budget.submit_return,
            FAMILY,
            PERIOD_START,
            IN_PERIOD,
            declared,
            "as planned",
        )
        if return_id is not REFUSED:
            assert return_id == f"R{len(self.model.returns) + 1}"
            self.model.returns[return_id] = ["submitted", self.model.version]

    @rule(data=st.data(), accept=st.booleans())
    def decide_return(self, data: st.DataObject, accept: bool) -> None:
        return_id = data.draw(existing_or_new(self.model.returns, "R99"), label="return_id")
        command, *args = (
            (self.budget.accept_return, CASEWORKER, return_id)
            if accept
            else (self.budget.query_return, CASEWORKER, return_id, "receipts missing")
        )
        if self.attempt(self.model.expect_decide_return(return_id), command, *args) is not REFUSED:
            self.model.returns[return_id][0] = "accepted" if accept else "queried"

    # --- trials ---------------------------------------------------------------------------
    @rule(virtual=positive_amounts)
    def start_trial(self, virtual: Decimal) -> None:
        trial_id = self.attempt(
            self.model.closed(), self.budget.start_trial, CASEWORKER, "pilot", virtual, ZERO
        )
        if trial_id is not REFUSED:
            self.model.trials[trial_id] = Trial(to_money(virtual))

    @rule(data=st.data(), key=st.sampled_from(["t1", "t2", "t3"]), amount=amounts)
    def record_trial_spend(self, data: st.DataObject, key: str, amount: Decimal) -> None:
        trial_id = data.draw(existing_or_new(self.model.trials, "T99"), label="trial_id")
        real_before = self.real_figures()
        if (
            self.attempt(
                self.model.expect_trial_spend(trial_id, key, to_money(amount)),
                self.budget.record_trial_spend,
                BROKER,
                trial_id,
                key,
                a_spend(str(amount)),
            )
            is not REFUSED
        ):
            self.model.trial_spent(trial_id, key, amount)
        assert self.real_figures() == real_before, "a trial spend touched real money"

    @rule(data=st.data(), outcome=st.sampled_from(["adopted", "abandoned"]))
    def conclude_trial(self, data: st.DataObject, outcome: str) -> None:
        trial_id = data.draw(existing_or_new(self.model.trials, "T99"), label="trial_id")
        if (
            self.attempt(
                self.model.expect_conclude(trial_id),
                self.budget.conclude_trial,
                CASEWORKER,
                trial_id,
                outcome,
                "done",
            )
            is not REFUSED
        ):
            self.model.trials[trial_id].status = outcome

    # --- disputes and status -----------------------------------------------------------------
    @rule()
    def raise_dispute(self) -> None:
        dispute_id = self.attempt(None, self.budget.raise_dispute, FAMILY, "allocation", "too low")
        self.model.disputes[dispute_id] = "open"

    @rule(data=st.data())
    def resolve_dispute(self, data: st.DataObject) -> None:
        dispute_id = data.draw(existing_or_new(self.model.disputes, "D99"), label="dispute_id")
        if (
            self.attempt(
                self.model.expect_resolve(dispute_id),
                self.budget.resolve_dispute,
                CASEWORKER,
                dispute_id,
                "upheld",
                "agreed",
            )
            is not REFUSED
        ):
            self.model.disputes[dispute_id] = "resolved"

    @rule()
    def suspend(self) -> None:
        if (
            self.attempt(
                self.model.expect_status_change("suspended"), self.budget.suspend, CASEWORKER, "paused"
            )
            is not REFUSED
        ):
            self.model.status = "suspended"

    @rule()
    def resume(self) -> None:
        if (
            self.attempt(self.model.expect_status_change("active"), self.budget.resume, CASEWORKER, "back")
            is not REFUSED
        ):
            self.model.status = "active"

    @precondition(lambda self: self.model.version >= 12)  # close late in a run, so most runs go on
    @rule()
    def close(self) -> None:
        if (
            self.attempt(self.model.expect_status_change("closed"), self.budget.close, CASEWORKER, "year end")
            is not REFUSED
        ):
            self.model.status = "closed"

    # --- the decision pathway (issue 9) -----------------------------------------------------
    @rule(assessment=st.sampled_from(ASSESSMENTS))
    def set_indicative(self, assessment: Assessment) -> None:
        expected = self.model.expect_indicative(assessment.indicative_amount)
        if self.attempt(expected, self.budget.set_indicative, CASEWORKER, assessment, True) is not REFUSED:
            self.model.indicative = assessment.indicative_amount

    @rule(planned=positive_amounts, outcomes=st.integers(1, 3), revising=st.booleans())
    def agree_support_plan(self, planned: Decimal, outcomes: int, revising: bool) -> None:
        ids = [f"O{n}" for n in range(1, outcomes + 1)]
        version = self.attempt(
            self.model.expect_plan(to_money(planned), revising),
            self.budget.agree_support_plan,
            CASEWORKER,
            [(i, "an outcome") for i in ids],
            [PlannedLine("personal_assistant", planned)],
            PERIOD_START,
            IN_PERIOD,
            "reviewed" if revising else None,
        )
        if version is not REFUSED:
            self.model.plan_total, self.model.outcomes = to_money(planned), ids
            assert version == len(self.budget.plans)

    @precondition(lambda self: self.model.indicative is not None and self.model.allocated is None)
    @rule(above=st.decimals(min_value="-50.00", max_value="300.00", places=2))
    def decide_near_the_panel_threshold(self, above: Decimal) -> None:
        """An allocation around the indicative amount plus the threshold: the panel rule's edge."""
        self.decide_allocation(self.model.indicative + PANEL_SCHEME.panel_threshold + above, None)  # type: ignore[operator]

    @rule(amount=positive_amounts)
    def record_panel_decision(self, amount: Decimal) -> None:
        decision = self.attempt(
            self.model.closed(),
            self.budget.record_panel_decision,
            CASEWORKER,
            IN_PERIOD,
            "RP",
            "chair",
            amount,
            "",
        )
        if decision is not REFUSED:
            self.model.panels.append(to_money(amount))

    @rule(data=st.data())
    def review(self, data: st.DataObject) -> None:
        """Rate the plan's outcomes: all of them, or one left out, or one it does not have."""
        rated = data.draw(
            st.sampled_from([self.model.outcomes, self.model.outcomes[1:], [*self.model.outcomes, "O9"]])
        )
        ratings = [OutcomeRatingIn(o, "met") for o in rated]
        args = (CASEWORKER, IN_PERIOD, "reviewed", PERIOD_END, ratings)
        self.attempt(self.model.expect_review(rated), self.budget.review, *args)

    @invariant()
    def the_planned_total_is_never_above_the_indicative_or_decided_amount(self) -> None:
        b = self.budget
        assert (b.support_plan.planned_total if b.support_plan else None) == self.model.plan_total
        ceiling = b.plan_ceiling()
        if b.support_plan is not None:
            assert ceiling is not None and b.support_plan.planned_total <= ceiling[0]

    @invariant()
    def an_allocation_above_the_panel_threshold_names_a_panel_decision_for_it(self) -> None:
        """A first decision, or a rise, past the indicative amount and the threshold names a panel
        decision covering it; a cut, or an amount within the threshold, names none."""
        allocated, indicative = None, None
        for each in self.events:
            if isinstance(each, ev.AllocationDecided):
                indicative = each.indicative_amount
                over = indicative is not None
            elif isinstance(each, ev.AllocationRevised):
                over = (
                    indicative is not None
                    and allocated is not None
                    and total(each.amounts.values()) > allocated
                )
            else:
                continue
            allocated = total(each.amounts.values())
            if over and allocated > indicative + PANEL_SCHEME.panel_threshold:  # type: ignore[operator]
                assert each.panel_decision_id is not None
                assert self.budget.panel_decisions[each.panel_decision_id].amount >= allocated
            else:
                assert each.panel_decision_id is None

    # --- the laws -------------------------------------------------------------------------
    def real_figures(self) -> tuple[Decimal, ...]:
        b = self.budget
        return (b.allocated, b.scheduled, b.released, b.spent, b.recovered, b.available)

    @invariant()
    def available_is_released_less_spent_less_recovered_and_never_negative(self) -> None:
        b = self.budget
        assert b.available == b.released - b.spent - b.recovered
        assert b.available >= 0

    @invariant()
    def nothing_is_released_or_scheduled_beyond_the_allocation(self) -> None:
        assert self.budget.released <= self.budget.scheduled <= self.budget.allocated

    @invariant()
    def the_aggregate_holds_what_the_model_holds(self) -> None:
        b, m = self.budget, self.model
        assert (b.version, b.status) == (m.version, m.status)
        assert self.real_figures() == (
            m.allocated or ZERO,
            m.scheduled,
            m.released,
            m.spent,
            m.recovered,
            m.available,
        )
        assert [(i.amount, i.gated, i.status) for i in b.instalments] == [
            (i.amount, i.gated, i.status) for i in m.instalments
        ]
        assert {k: s.reversed for k, s in b.spends.items()} == {k: k in m.reversed for k in m.spends}
        assert {k: r.status for k, r in b.returns.items()} == {k: r[0] for k, r in m.returns.items()}
        assert {k: (t.spent, t.status, set(t.spends)) for k, t in b.trials.items()} == {
            k: (t.spent, t.status, set(t.spends)) for k, t in m.trials.items()
        }
        assert {k: d.status for k, d in b.disputes.items()} == m.disputes

    @invariant()
    def each_spend_id_is_recorded_once(self) -> None:
        counts = Counter(e.spend_id for e in self.events if isinstance(e, ev.SpendRecorded))
        assert set(counts.values()) <= {1}
        assert set(counts) == set(self.budget.spends)

    @invariant()
    def the_hash_chain_verifies(self) -> None:
        result = verify_chain(self.events)
        assert result.ok and result.checked == len(self.events)
        assert result.head_hash == self.budget.head_hash

    @invariant()
    def reloaded_equals_live(self) -> None:
        rebuilt: Budget | None = None
        for each in self.events:
            rebuilt = each.mutate(rebuilt)
        assert rebuilt == self.budget


TestBudgetMachine = BudgetMachine.TestCase
