"""The demo's financial year, April 2026 to March 2027, counted in months and quarters.

Every plan and story names its moment as a month of this year (0 is April) so that
the loader can replay the whole cohort in service-date order.
"""

from __future__ import annotations

from datetime import date

PERIOD = (date(2026, 4, 1), date(2027, 3, 31))
YEAR = PERIOD[0].year  # the financial year, as the envelopes name it
BEFORE_THE_YEAR, YEAR_END = -1, 12  # story moments outside the twelve months


def month_start(month: int) -> date:
    """Month 0 is April 2026, month 11 is March 2027."""
    year, zero_based = divmod(3 + month, 12)
    return date(2026 + year, zero_based + 1, 1)


def quarter_of(day: date) -> int:
    return (day.month - 4) % 12 // 3
