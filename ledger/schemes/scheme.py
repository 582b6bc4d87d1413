"""A budget scheme is data: the council's rules for a kind of budget, as a typed, frozen value.

Design: a scheme is parsed strictly from a JSON document (an unknown key, a float
amount or a word outside the design's lists is refused), so a council publishes a
new scheme without a code release and a typo never passes as a permissive default.
Its canonical JSON (sorted keys, amounts as two-place strings) is what a budget
pins in `BudgetOpened` and what the fingerprint covers, so a past decision can
always be recomputed under the exact rules it was taken with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from ledger.aggregates.vocabulary import ApprovalKind, Category, Management
from ledger.errors import InvalidAmount, InvalidScheme
from ledger.money import PENNY, ZERO, to_non_negative_money

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
#: provider rules (issue 10), added after the first schemes were published
LATER_RULES = (
    "pathway",
    "register_required",
    "medical_task_training",
    "in_house_excluded",
    "overnight_thresholds",
    "commitments",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_floats(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError("amounts are decimal strings such as '600.00', never floats")
        return value


def _money(value: Any) -> Decimal:
    try:
        return to_non_negative_money(value)
    except InvalidAmount as e:
        raise ValueError(e.detail) from None


#: an amount as a two-place decimal string on the page ("600.00"), never a float
Money = Annotated[Decimal, BeforeValidator(_money)]


class InstalmentStep(_Frozen):
    """One instalment the scheme schedules when the allocation is decided (equal shares)."""

    months_after_start: int = Field(ge=0, le=36)
    gated: bool


class InstalmentPattern(_Frozen):
    steps: list[InstalmentStep] = Field(default_factory=list)
    #: may a caseworker schedule instalments by hand beside (or instead of) the scheme's?
    extras_allowed: bool = True


class MonitoringSchedule(_Frozen):
    """Returns are due for every `every_months` of the period, `due_days_after` its end."""

    every_months: int | None = Field(default=None, ge=1, le=24)
    due_days_after: int = Field(default=28, ge=0, le=366)


class CategoryCap(_Frozen):
    category: Category
    amount: Money
    per: Literal["month", "period"]


class SpendingRules(_Frozen):
    categories_not_allowed: list[Category] = Field(default_factory=list)
    #: a spend above this (not by a caseworker) waits for a caseworker's approval before it counts
    approval_threshold: Money | None = None
    category_caps: list[CategoryCap] = Field(default_factory=list)


class Pathway(_Frozen):
    """The council report's care pathway: which steps must be on the record before the allocation.

    Absent (the default and Wiltshire schemes), an allocation may be decided straight away.
    """

    #: an indicative budget (`IndicativeBudgetSet`) is recorded before the allocation
    indicative_required: bool = False
    #: a support plan is agreed before the allocation
    support_plan_required: bool = False


class OvernightThreshold(_Frozen):
    """Nights of overnight care (residential and short-term foster care) a child may have per month or
    period before the spend that goes past them needs an explicit override with a reason."""

    nights: int = Field(ge=1, le=366)
    per: Literal["month", "period"] = "period"
    #: the monitoring read model warns once a child is within this many nights of the threshold
    warn_within: int = Field(default=0, ge=0, le=366)


class CommitmentRules(_Frozen):
    """Agreed orders with providers (unit price times quantity) held against a budget's funds, as the
    council's finance systems commit them: present, a budget takes commitments; absent, it does not."""

    #: the categories an order may be for (empty: any the scheme's spending rules allow)
    categories: list[Category] = Field(default_factory=list)


class RasChoice(_Frozen):
    scheme: str
    version: int = Field(ge=1)


class BudgetScheme(_Frozen):
    """The rules a budget pins when it opens; `None` and empty lists mean "no such rule"."""

    id: Slug
    version: int = Field(ge=1, le=10_000)
    title: str = Field(min_length=1, max_length=200)
    indicative: RasChoice | None = None
    maximum_allocation: Money | None = None
    panel_threshold: Money | None = None
    instalments: InstalmentPattern = InstalmentPattern()
    gate: Literal["submitted", "accepted"] = "accepted"
    management_allowed: list[Management] = Field(default_factory=lambda: list(Management))
    bank_account_required: bool = False
    payments_administrator: str | None = Field(default=None, min_length=1, max_length=80)
    family_records_spends: bool = False
    monitoring: MonitoringSchedule = MonitoringSchedule()
    surplus_weeks: int | None = Field(default=None, ge=1, le=104)
    spending: SpendingRules = SpendingRules()
    #: the steps the allocation waits on (None: none); left out of the document when absent, so the
    #: schemes published before it keep their documents and fingerprints
    pathway: Pathway | None = None
    # --- providers (ledger.aggregates.provider_rules): who may be paid for what ---
    #: categories whose provider needs an approval (kind of approval) valid on the service date;
    #: such a spend names its provider from the register
    approvals_required: dict[Category, ApprovalKind] = Field(default_factory=dict)
    #: categories whose spends name a provider from the register (`provider_id`), not free text
    register_required: list[Category] = Field(default_factory=list)
    #: categories in which each medical task a spend names needs the provider's training for that task
    medical_task_training: list[Category] = Field(default_factory=list)
    #: categories the council's in-house providers may not be paid from a budget for
    in_house_excluded: list[Category] = Field(default_factory=list)
    #: nights of overnight care past which a spend needs an override with a reason
    overnight_thresholds: list[OvernightThreshold] = Field(default_factory=list)
    #: commitments (ledger.aggregates.commitments): None, the default, takes none
    commitments: CommitmentRules | None = None

    def needs_register(self, category: str) -> bool:
        return (
            category in self.register_required
            or category in self.approvals_required
            or category in self.medical_task_training
            or category in self.in_house_excluded
        )

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def document(self) -> dict[str, Any]:
        """The canonical JSON document (what is stored, pinned and fingerprinted).

        Rules added after schemes were first published are left out while unset, so a scheme
        that does not use them keeps the fingerprint it was published with.
        """
        plain: dict[str, Any] = json.loads(self.model_dump_json())
        for key in LATER_RULES:
            if not plain.get(key):
                plain.pop(key, None)
        return plain

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.document())

    # --- what the rules make of a budget's dates ----------------------------------
    def monitoring_periods(self, start: date, end: date) -> list[tuple[date, date, date]]:
        """(period start, period end, due on) for each monitoring period of a budget's period."""
        every = self.monitoring.every_months
        if every is None:
            return []
        periods = []
        cursor = start
        while cursor <= end:
            following = add_months(cursor, every)
            last = min(end, date.fromordinal(following.toordinal() - 1))
            due = date.fromordinal(last.toordinal() + self.monitoring.due_days_after)
            periods.append((cursor, last, due))
            cursor = following
        return periods

    def surplus(self, allocated: Decimal, available: Decimal, start: date, end: date) -> Surplus | None:
        """What of `available` is surplus under this scheme's weeks of support (None: no such rule)."""
        return surplus(self.surplus_weeks, allocated, available, start, end)


@dataclass(frozen=True)
class Surplus:
    """A budget's money against its scheme's surplus threshold, as the scheme decides it."""

    weeks: int
    weekly_support: Decimal
    threshold: Decimal
    reclaimable: Decimal


def surplus(
    weeks: int | None, allocated: Decimal, available: Decimal, start: date, end: date
) -> Surplus | None:
    """The surplus rule: weekly support is the allocation spread over the weeks of the budget's
    period; a budget may hold `weeks` of it, and what it holds beyond that is reclaimable.

    Amounts are rounded to the penny (half up) once, on the threshold, so the
    reclaimable amount is exactly `available - threshold` when positive, else 0.
    """
    if weeks is None:
        return None
    days = (end - start).days + 1
    weekly = (allocated * 7 / days).quantize(PENNY, ROUND_HALF_UP)
    threshold = (allocated * 7 * weeks / days).quantize(PENNY, ROUND_HALF_UP)
    return Surplus(weeks, weekly, threshold, max(available - threshold, ZERO))


def covers(return_start: date, return_end: date, period_end: date) -> bool:
    """Does a return over [return_start, return_end] account for the monitoring period ending `period_end`?"""
    return return_start <= period_end <= return_end


def add_months(day: date, months: int) -> date:
    """`day` moved `months` on, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def fingerprint(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse(document: object) -> BudgetScheme:
    """A scheme from its JSON document, or `InvalidScheme` saying every problem found."""
    if not isinstance(document, dict):
        raise InvalidScheme("a scheme is a JSON object")
    try:
        return BudgetScheme.model_validate_json(json.dumps(document))
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'scheme'}: {err['msg']}" for err in e.errors()
        )
        raise InvalidScheme(f"the scheme is not valid: {problems}") from None
