"""The scheme's rules about who is paid: the register, approvals, in-house exclusions, overnight nights.

A budget does not look providers up: the application passes the `Standing` of the
provider a spend names, and the budget asks its pinned scheme what that category
needs on the service date. So the rule lives in one place (the scheme, read here)
and a budget opened under the permissive default takes free text as it always did.

Overnight nights (residential and short-term foster care, counted in nights) are
counted from the budget's own spends, reversals netted; a spend that takes the
count past one of the scheme's thresholds needs an override with a reason, which
the event keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger import errors
from ledger.aggregates.base import BudgetBase
from ledger.aggregates.provider import Standing
from ledger.aggregates.vocabulary import ApprovalKind, Category, Unit
from ledger.schemes.scheme import OvernightThreshold

if TYPE_CHECKING:
    from ledger.aggregates.spending import SpendRequest

#: the categories whose nights count towards a child's overnight thresholds
OVERNIGHT = frozenset({Category.RESIDENTIAL_OVERNIGHT, Category.SHORT_TERM_FOSTER_CARE})


@dataclass(frozen=True)
class NightsCount:
    """One threshold of the scheme against the nights counted in its month or period."""

    threshold: OvernightThreshold
    counted: Decimal
    month: str | None  # "2026-05" for a monthly threshold, None for the period

    @property
    def approaching(self) -> bool:
        """Within the scheme's warning distance of the threshold (or past it): monitoring warns."""
        return self.counted >= self.threshold.nights - self.threshold.warn_within

    @property
    def past(self) -> bool:
        """Past the threshold: the spend that took it there carried an override."""
        return self.counted > self.threshold.nights

    def warning(self) -> dict[str, Any]:
        per = self.threshold.per
        return {
            "per": per,
            "month": self.month,
            "threshold": self.threshold.nights,
            "counted": self.counted,
            "past": self.past,
        }


def overnight_nights(category: str, unit: str | None, units: Decimal | None) -> Decimal:
    if category in OVERNIGHT and unit == Unit.NIGHTS and units is not None:
        return units
    return Decimal(0)


class ProviderRules(BudgetBase):
    def require_provider_allowed(self, request: SpendRequest, standing: Standing | None) -> None:
        scheme, category = self.scheme, request.category
        which = f"scheme {scheme.id} v{scheme.version}"
        if request.provider_id is not None and (
            standing is None or standing.provider_id != request.provider_id
        ):
            raise errors.ProviderNotRegistered(f"no provider {request.provider_id} in the register")
        if standing is None:
            if scheme.needs_register(category):
                raise errors.ProviderNotRegistered(
                    f"{which} pays {category} only to a provider from the register: name its provider_id"
                )
            return
        if category in scheme.in_house_excluded and standing.in_house:
            raise errors.InHouseProviderExcluded(
                f"{which} excludes in-house providers such as {standing.reference} from {category}"
            )
        needed = scheme.approvals_required.get(Category(category))
        if needed is not None and not standing.holds(needed, request.service_date):
            raise errors.ProviderNotApproved(
                f"{which} pays {category} only to a provider with {needed} valid on "
                f"{request.service_date}; {standing.reference} has none"
            )
        if category in scheme.medical_task_training:
            for task in request.medical_tasks or []:
                if not standing.holds(ApprovalKind.MEDICAL_TASK_TRAINING, request.service_date, task):
                    raise errors.ProviderNotApproved(
                        f"{which} needs medical_task_training for {task} valid on {request.service_date}; "
                        f"{standing.reference} has none"
                    )

    def nights_counts(self, on: date) -> list[NightsCount]:
        """Each of the scheme's thresholds against the nights counted in the month of `on` (or the period)."""
        month = f"{on.year:04d}-{on.month:02d}"
        counts = []
        for threshold in self.scheme.overnight_thresholds:
            counted = sum(
                (
                    overnight_nights(s.category, s.unit, s.units)
                    for s in self.spends.values()
                    if not s.reversed and (threshold.per == "period" or f"{s.service_date:%Y-%m}" == month)
                ),
                Decimal(0),
            )
            counts.append(NightsCount(threshold, counted, month if threshold.per == "month" else None))
        return counts

    def nights_warnings(self) -> list[dict[str, Any]] | None:
        """Every count within the scheme's warning distance of its threshold, or past it (each month
        with overnight nights, and the period), carried on the figures for monitoring to copy."""
        if not self.scheme.overnight_thresholds:
            return None
        months = {
            s.service_date.replace(day=1)
            for s in self.spends.values()
            if not s.reversed and overnight_nights(s.category, s.unit, s.units)
        }
        warnings: dict[tuple[str, str | None], dict[str, Any]] = {}
        for day in sorted(months):
            for count in self.nights_counts(day):
                if count.counted and count.approaching:
                    warnings[(count.threshold.per, count.month)] = count.warning()
        return list(warnings.values())

    def require_nights_override(self, request: SpendRequest) -> None:
        nights = overnight_nights(request.category, request.unit, request.units)
        if not nights or request.nights_override_reason:
            return
        for count in self.nights_counts(request.service_date):
            limit = count.threshold.nights
            if count.counted <= limit < count.counted + nights:
                where = f"in {count.month}" if count.month else "in the budget's period"
                raise errors.NightsThresholdOverrideRequired(
                    f"{count.counted} + {nights} nights {where} goes past the threshold of {limit} nights "
                    f"of scheme {self.scheme.id} v{self.scheme.version}; give nights_override_reason"
                )
