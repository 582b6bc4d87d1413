"""The Budget's state, derived figures and the guards its commands share.

Design: the `Budget` (`ledger.aggregates.budget`) is assembled from command
mixins built on this base; each command method checks the design's rules against the current state,
raising an error named after the broken rule, and only then triggers its event
(`ledger.aggregates.events`), whose `apply_to` evolves the state. So a refused
command records nothing. `trigger_event` is wrapped to stamp each event with its
actor and its link in the hash chain (`ledger.aggregates.chain`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger import errors
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.chain import GENESIS, event_hash
from ledger.aggregates.state import (
    Allocation,
    Dispute,
    Instalment,
    MonitoringReturn,
    Review,
    Spend,
    Trial,
)
from ledger.aggregates.vocabulary import Management, check_choice
from ledger.money import ZERO, total


def require_text(name: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise errors.InvalidInput(f"{name} must not be empty")
    return value


class BudgetBase(Aggregate):
    """State is only ever changed by events; read it, never assign it from outside."""

    def __init__(self) -> None:
        self.reference = ""
        self.family_ref = ""
        self.period_start = date.min
        self.period_end = date.min
        self.management = ""
        self.cohort: str | None = None
        self.broker_org: str | None = None
        self.status = "open"
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

    # --- derived figures ---------------------------------------------------
    @property
    def allocated(self) -> Decimal:
        return total(self.allocation.amounts.values()) if self.allocation else ZERO

    @property
    def scheduled(self) -> Decimal:
        return total(i.amount for i in self.instalments if i.status != "cancelled")

    @property
    def available(self) -> Decimal:
        return self.released - self.spent - self.recovered

    @property
    def unreleased(self) -> Decimal:
        return self.allocated - self.released

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
    ) -> Any:
        require_text("reference", reference)
        require_text("family_ref", family_ref)
        check_choice("management", management, Management)
        if period_end <= period_start:
            raise errors.InvalidPeriod("period_end must be after period_start")
        originator_id = budget_id or uuid4()
        fields: dict[str, Any] = dict(
            reference=reference,
            family_ref=family_ref,
            period_start=period_start,
            period_end=period_end,
            management=management,
            cohort=cohort,
            broker_org=broker_org,
            actor_id=actor.id,
            actor_role=actor.role,
            prev_hash=GENESIS,
        )
        timestamp = ev.BudgetOpened.create_timestamp()
        fields["hash"] = event_hash("BudgetOpened", originator_id, 1, timestamp, fields)
        return cls._create(ev.BudgetOpened, id=originator_id, timestamp=timestamp, **fields)

    def record(self, event_class: type[ev.BudgetEvent], actor: Actor, **fields: Any) -> None:
        """Trigger `event_class` stamped with the actor, the time and the chain."""
        fields.update(actor_id=actor.id, actor_role=actor.role, prev_hash=self.head_hash)
        timestamp: datetime = event_class.create_timestamp()
        version = self.version + 1
        fields["hash"] = event_hash(event_class.__name__, self.id, version, timestamp, fields)
        self.trigger_event(event_class, timestamp=timestamp, **fields)

    # --- guards shared by commands ------------------------------------------
    def require_not_closed(self) -> None:
        if self.status == "closed":
            raise errors.BudgetClosed(f"budget {self.reference} is closed")

    def require_active(self) -> None:
        if self.status != "active":
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
