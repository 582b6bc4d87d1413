"""The Budget's state, derived figures and the guards its commands share.

Design: the `Budget` (`ledger.aggregates.budget`) is assembled from command
mixins built on this base; each command method checks the design's rules against the current state,
raising an error named after the broken rule, and only then triggers its event
(`ledger.aggregates.events`), whose `apply_to` evolves the state. So a refused
command records nothing. `trigger_event` is wrapped to stamp each event with its
actor and its link in the hash chain (`ledger.aggregates.chain`).
"""

from __future__ import annotations

from copy import copy
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, get_topic

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.chain import GENESIS, event_data, event_hash
from ledger.aggregates.figures import UNSEALED, Figures
from ledger.aggregates.plan_state import IndicativeBudget, PanelDecision, PreviousPackage, SupportPlan
from ledger.aggregates.state import (
    Allocation,
    Dispute,
    Instalment,
    MonitoringReturn,
    Review,
    Spend,
    Trial,
)
from ledger.aggregates.text import check_fields, check_text
from ledger.aggregates.vocabulary import (
    BudgetStatus,
    InstalmentStatus,
    Management,
    ReturnStatus,
    check_choice,
)
from ledger.money import ZERO, total
from ledger.schemes import BudgetScheme, default_scheme, pinned
from ledger.schemes.scheme import Surplus

if TYPE_CHECKING:
    from ledger.aggregates.commitments import Commitment

    E = TypeVar("E", bound=ev.BudgetEvent)
T = TypeVar("T")


def require_text(name: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise errors.InvalidInput(f"{name} must not be empty")
    return check_text(name, value)


def _own(value: T) -> T:
    """A budget attribute for a copy: a list or dict of its own, or the (immutable) value itself."""
    if isinstance(value, dict | list):
        return copy(value)
    return value


class Stamp(TypedDict):
    """What every Budget event carries besides its own fields; `hash` and `figures` are sealed last."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    actor_id: str
    actor_role: str
    prev_hash: str
    hash: str
    figures: Figures


class BudgetBase(Aggregate):
    """State is only ever changed by events; read it, never assign it from outside."""

    #: v2 pins a budget scheme and holds the scheme rules' state (bank account, spends awaiting approval);
    #: v3 holds the decision pathway (indicative budget, support plans, panel decisions, previous package);
    #: v4 holds commitments (ledger.aggregates.commitments)
    class_version = 4

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """A snapshot taken before schemes existed: the default scheme, nothing confirmed or waiting."""
        state.setdefault("scheme_document", None)
        state.setdefault("bank_account_confirmed_on", None)
        state.setdefault("awaiting_approval", {})

    @staticmethod
    def upcast_v2_v3(state: dict[str, object]) -> None:
        """A snapshot taken before the decision pathway: nothing of it recorded yet."""
        state.setdefault("indicative", None)
        state.setdefault("plans", [])
        state.setdefault("panel_decisions", {})
        state.setdefault("previous_package", None)

    @staticmethod
    def upcast_v3_v4(state: dict[str, object]) -> None:
        """A snapshot taken before commitments: none made."""
        state.setdefault("commitments", {})

    def __init__(self) -> None:
        self.reference = ""
        self.family_ref = ""
        self.period_start = date.min
        self.period_end = date.min
        self.management = Management.DIRECT_PAYMENT
        self.cohort: str | None = None
        self.broker_org: str | None = None
        self.status = BudgetStatus.OPEN
        self.allocation: Allocation | None = None
        self.instalments: list[Instalment] = []
        self.spends: dict[str, Spend] = {}
        self.returns: dict[str, MonitoringReturn] = {}
        self.trials: dict[str, Trial] = {}
        self.disputes: dict[str, Dispute] = {}
        self.reviews: list[Review] = []
        self.released = ZERO
        self.spent = ZERO
        self.recovered = ZERO
        self.last_release_version = 0
        self.head_hash = GENESIS
        # --- budget scheme rules (ledger.schemes) ---
        self.scheme_document: dict[str, Any] | None = None
        self.bank_account_confirmed_on: date | None = None
        self.awaiting_approval: dict[str, Spend] = {}
        # --- the decision pathway (ledger.aggregates.planning) ---
        self.indicative: IndicativeBudget | None = None
        self.plans: list[SupportPlan] = []
        self.panel_decisions: dict[str, PanelDecision] = {}
        self.previous_package: PreviousPackage | None = None
        # --- commitments (ledger.aggregates.commitments) ---
        self.commitments: dict[str, Commitment] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """A copy for one command, sharing every item of the state (they are frozen).

        The library's aggregate cache copies the cached budget for each command, so that a
        command refused halfway, or a save lost to another writer, leaves the cached one as it
        was. A true deep copy costs as much as the budget's whole history; this one copies only
        the budget's own lists and dicts, since events put new items in them and never change
        an item (`ledger.aggregates.events`).
        """
        copy = object.__new__(type(self))
        # the pinned scheme's document is never changed: shared, so `pinned()` finds it by identity
        copy.__dict__.update(
            {
                name: value if name == "scheme_document" else _own(value)
                for name, value in self.__dict__.items()
            }
        )
        memo[id(self)] = copy
        return copy

    @property
    def scheme(self) -> BudgetScheme:
        """The scheme the budget pinned when it opened (the default for budgets older than schemes)."""
        return pinned(self.scheme_document)

    @property
    def surplus(self) -> Surplus | None:
        """Money held beyond the scheme's weeks of support (None when the scheme sets no such rule)."""
        return self.scheme.surplus(self.allocated, self.available, self.period_start, self.period_end)

    # --- derived figures: computed here and nowhere else ----------------------
    @property
    def allocated(self) -> Decimal:
        return total(self.allocation.amounts.values()) if self.allocation else ZERO

    @property
    def scheduled(self) -> Decimal:
        return total(i.amount for i in self.instalments if i.status != InstalmentStatus.CANCELLED)

    @property
    def committed(self) -> Decimal:
        """What open commitments still hold (`ledger.aggregates.commitments`)."""
        return total(c.outstanding for c in self.commitments.values())

    @property
    def available(self) -> Decimal:
        """Released money not spent, recovered or held by an open commitment."""
        return self.released - self.spent - self.recovered - self.committed

    @property
    def unreleased(self) -> Decimal:
        return self.allocated - self.released

    def gate_open(self) -> bool:
        """The gate: a monitoring return submitted since the last release has been accepted.

        A scheme whose gate is `submitted` (Wiltshire: "until the monitoring form has been
        returned") opens it on a fresh return that is not queried.
        """
        passing = {ReturnStatus.ACCEPTED}
        if self.scheme.gate == "submitted":
            passing.add(ReturnStatus.SUBMITTED)
        return any(
            r.status in passing and r.submitted_at_version > self.last_release_version
            for r in self.returns.values()
        )

    def waiting_at_gate(self) -> list[int]:
        """Gated instalments still scheduled that the gate would refuse to release now."""
        if self.gate_open() or self.status == BudgetStatus.CLOSED:
            return []
        return [i.number for i in self.instalments if i.gated and i.status == InstalmentStatus.SCHEDULED]

    def gate_return_status(self) -> ReturnStatus | None:
        """What the gate waits on: the newest return submitted since the last release."""
        fresh = [r for r in self.returns.values() if r.submitted_at_version > self.last_release_version]
        return max(fresh, key=lambda r: r.submitted_at_version).status if fresh else None

    def figures(self) -> Figures:
        return Figures(
            status=self.status,
            allocated=self.allocated,
            scheduled=self.scheduled,
            released=self.released,
            spent=self.spent,
            recovered=self.recovered,
            available=self.available,
            unreleased=self.unreleased,
            waiting_at_gate=self.waiting_at_gate(),
            gate_return_status=self.gate_return_status(),
            nights_warnings=self.nights_warnings(),
            committed=self.committed if self.scheme.commitments is not None else None,
        )

    def nights_warnings(self) -> list[dict[str, Any]] | None:
        """Overnight thresholds approached or passed (`ProviderRules`); None where no scheme sets any."""
        return None

    # --- opening -----------------------------------------------------------
    @classmethod
    def open(
        cls,
        actor: Actor,
        reference: str,
        family_ref: str,
        period_start: date,
        period_end: date,
        management: str,
        cohort: str | None = None,
        broker_org: str | None = None,
        budget_id: UUID | None = None,
        scheme: BudgetScheme | None = None,
    ) -> Self:
        require_text("reference", reference)
        require_text("family_ref", family_ref)
        checked = check_choice("management", management, Management)
        if period_end <= period_start:
            raise errors.InvalidPeriod("period_end must be after period_start")
        scheme = scheme or default_scheme()
        if checked not in scheme.management_allowed:
            allowed = ", ".join(scheme.management_allowed)
            raise errors.ManagementNotAllowed(
                f"scheme {scheme.id} v{scheme.version} allows {allowed}, not {checked}"
            )
        draft = ev.BudgetOpened(
            originator_topic=get_topic(cls),
            originator_id=budget_id or uuid4(),
            originator_version=1,
            timestamp=ev.BudgetOpened.create_timestamp(),
            actor_id=actor.id,
            actor_role=actor.role,
            prev_hash=GENESIS,
            hash="",
            figures=UNSEALED,
            reference=reference,
            family_ref=family_ref,
            period_start=period_start,
            period_end=period_end,
            management=checked,
            cohort=cohort,
            broker_org=broker_org,
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            scheme=scheme.document(),
        )
        check_fields(draft)
        budget = draft.mutate(None)
        assert isinstance(budget, cls)  # the event's topic names this class
        budget._seal(draft)
        return budget

    # --- recording -----------------------------------------------------------
    def stamp(self, actor: Actor) -> Stamp:
        """The envelope of the next event; `record` seals its figures and hash."""
        return Stamp(
            originator_id=self.id,
            originator_version=self.version + 1,
            timestamp=ev.BudgetEvent.create_timestamp(),
            actor_id=actor.id,
            actor_role=actor.role,
            prev_hash=self.head_hash,
            hash="",
            figures=UNSEALED,
        )

    def record(self, draft: E) -> E:
        """Apply `draft` (built on `stamp`), then seal it with the figures after it and its hash.

        Every string the event carries is checked first (`ledger.aggregates.text`): text
        with control characters or bidirectional overrides is refused, recording nothing.
        """
        check_fields(draft)
        draft.apply_to(self)  # type: ignore[arg-type]  # every Budget mixin is a Budget
        self.version = draft.originator_version
        self.modified_on = draft.timestamp
        return self._seal(draft)

    def _seal(self, draft: E) -> E:
        figures = self.figures()
        data = {**event_data(draft), "figures": figures}
        digest = event_hash(
            type(draft).__name__, draft.originator_id, draft.originator_version, draft.timestamp, data
        )
        sealed = replace(draft, figures=figures, hash=digest)
        self.head_hash = sealed.hash
        self.pending_events.append(sealed)
        return sealed

    # --- guards shared by commands ------------------------------------------
    def require_not_closed(self) -> None:
        if self.status == BudgetStatus.CLOSED:
            raise errors.BudgetClosed(f"budget {self.reference} is closed")

    def require_active(self) -> None:
        if self.status != BudgetStatus.ACTIVE:
            raise errors.BudgetNotActive(f"budget {self.reference} is {self.status}, not active")

    def require_allocation(self) -> Allocation:
        self.require_not_closed()
        if self.allocation is None:
            raise errors.AllocationNotDecided(f"budget {self.reference} has no allocation yet")
        return self.allocation

    def instalment(self, number: int) -> Instalment:
        if not 1 <= number <= len(self.instalments):
            raise errors.ItemNotFound(f"no instalment {number}")
        return self.instalments[number - 1]

    def spend(self, spend_id: str) -> Spend:
        if spend_id not in self.spends:
            raise errors.ItemNotFound(f"no spend {spend_id}")
        return self.spends[spend_id]

    def monitoring_return(self, return_id: str) -> MonitoringReturn:
        if return_id not in self.returns:
            raise errors.ItemNotFound(f"no monitoring return {return_id}")
        return self.returns[return_id]

    def trial(self, trial_id: str) -> Trial:
        if trial_id not in self.trials:
            raise errors.ItemNotFound(f"no trial {trial_id}")
        return self.trials[trial_id]

    def dispute(self, dispute_id: str) -> Dispute:
        if dispute_id not in self.disputes:
            raise errors.ItemNotFound(f"no dispute {dispute_id}")
        return self.disputes[dispute_id]

    def require_in_period(self, service_date: date) -> None:
        if not self.period_start <= service_date <= self.period_end:
            raise errors.ServiceDateOutsidePeriod(
                f"{service_date} is outside {self.period_start} to {self.period_end}"
            )
