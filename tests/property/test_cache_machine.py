"""The cached budget never changes but by a saved command: random commands, some refused late.

The library's aggregate cache hands each command a copy of the cached budget, and
that copy shares the budget's items (`BudgetBase.__deepcopy__`): only the
budget's own lists and dicts are copied, since events put new items in them and
never change one. So whatever a command does to its copy, the cached budget must
not see it unless the copy is saved. The commands of the application machine run
through a ledger with the cache on, each drawn as it is, or refused at its save
(its events applied to the copy, then the commit fails), or with another process
saving the same budget first (the save conflicts: retried on a fresh load, or
refused when the other writer wins every attempt). After every step the budget
the cache gives equals the budget rebuilt from the store by a ledger with the
cache off, on both stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from hypothesis import event as label
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ledger.errors import LedgerError
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.builders import open_budget
from tests.conftest import FAMILY
from tests.property.test_application_machine import COMMANDS, ApplicationMachine
from tests.unit.factories import a_spend

#: two attempts: a conflict is retried once; a second conflict in a row refuses the command
ATTEMPTS = 2


@contextmanager
def before_each_save(app: LedgerService, times: int, action: Callable[[], object]) -> Iterator[None]:
    """Run `action` before each of `app`'s next `times` saves (then save as usual)."""
    real, left = app.save, [times]

    def save(*objs: Any, **kwargs: Any) -> Any:
        if left[0]:
            left[0] -= 1
            action()
        return real(*objs, **kwargs)

    app.save = save  # type: ignore[method-assign]
    try:
        yield
    finally:
        del app.save  # the class's method again


def commit_fails() -> None:
    raise OperationalError("the commit failed")


class CacheMachine(ApplicationMachine):
    #: (cache on, cache off) on one store, set by the test for its store
    ledgers: tuple[LedgerService, LedgerService]

    def __init__(self) -> None:  # the ledgers are the test's, shared by its examples
        RuleBasedStateMachine.__init__(self)
        self.app, self.cold = self.ledgers
        self.budget_id = open_budget(self.app)
        self.live = self.app.load(self.budget_id)
        self.others = 0

    def teardown(self) -> None:
        """The test closes the ledgers."""

    def late(self, data: st.DataObject, how: str, times: int, action: Callable[[], object]) -> None:
        """A command drawn as the application machine draws it, with `action` before its saves.

        A command refused there (or anywhere) leaves the store as the other writer left it,
        so the live budget is then the one the store holds.
        """
        before = self.live.version
        command = data.draw(st.sampled_from(COMMANDS), label="command")
        with before_each_save(self.app, times, action):
            try:
                command(self, data)
            except OperationalError:
                label(f"{command.__name__}: {how}")
        if self.live.version == before:
            self.live = self.cold.load(self.budget_id)

    @rule(data=st.data())
    def refused_at_its_save(self, data: st.DataObject) -> None:
        """The command's events are applied to its copy, then its commit fails."""
        self.late(data, "commit failed", ATTEMPTS, commit_fails)

    @rule(data=st.data(), times=st.integers(1, ATTEMPTS))
    def another_process_saves_first(self, data: st.DataObject, times: int) -> None:
        """Another ledger records on the budget between this one's load and its save."""
        self.late(data, "lost its race", times, self.another_writer)

    def another_writer(self) -> None:
        self.others += 1
        try:  # a spend when the budget takes one, else a dispute (possible even once closed)
            self.cold.record_spend(FAMILY, self.budget_id, a_spend("0.01"), f"other-{self.others}")
        except LedgerError:
            self.cold.raise_dispute(FAMILY, self.budget_id, "allocation", "not enough")

    @invariant()
    def the_cached_budget_equals_the_budget_rebuilt_with_the_cache_off(self) -> None:
        cached, rebuilt = self.app.load(self.budget_id), self.cold.load(self.budget_id)
        assert cached == rebuilt == self.live


def test_refused_and_conflicting_commands_never_change_the_cached_budget(store_url: str) -> None:
    cached = LedgerService(url=store_url, settings=Settings(max_attempts=ATTEMPTS))
    cold = LedgerService(url=store_url, settings=Settings(aggregate_cache_maxsize=0))
    try:
        assert cached.repository.cache is not None and cold.repository.cache is None
        machine = type("Machine", (CacheMachine,), {"ledgers": (cached, cold)})
        run_state_machine_as_test(
            machine,
            settings=settings(max_examples=max(10, settings().max_examples // 8), stateful_step_count=25),
        )
    finally:
        cached.close()
        cold.close()
