"""The published RAS schemes. A published version is never edited: publish a new one.

`tests/unit/test_ras.py` pins each version's fingerprint, so an edit fails the suite.
"""

from __future__ import annotations

from decimal import Decimal as D

from ledger.errors import SchemeNotFound
from ledger.ras.scheme import Band, Question, Scheme

_LEVELS = {"none": 0, "some": 4, "substantial": 8, "critical": 12}

SHORT_BREAKS_POINTS_V1 = Scheme(
    id="short-breaks-points",
    version=1,
    kind="points",
    title="Short breaks individual budget RAS (points)",
    questions=(
        Question("personal_care", "Help needed with personal care", _LEVELS),
        Question("health_needs", "Health and medical management", _LEVELS),
        Question("behaviour", "Support with behaviour that challenges", _LEVELS),
        Question("community_access", "Support to take part in community life", _LEVELS),
        Question("night_support", "Support needed at night", _LEVELS),
        Question(
            "carer_resilience",
            "How the family carers are coping",
            {"coping": 0, "strained": 6, "at_risk": 12},
        ),
        Question("siblings", "Other children the carers look after", {"0": 0, "1": 2, "2+": 4}),
    ),
    price_per_point=D("85.00"),
    bands=(
        Band("universal_plus", 0, 9, D("600.00")),
        Band("targeted", 10, 29, D("2500.00")),
        Band("specialist", 30, 49, D("4000.00")),
        Band("complex", 50, 76, D("12000.00")),
    ),
    cap=D("12000.00"),
)

FLAT_SHORT_BREAKS_V1 = Scheme(
    id="flat-short-breaks",
    version=1,
    kind="flat",
    title="Short breaks direct payment, flat rate (up to 600 pounds a year)",
    questions=(
        Question("assessed_need", "Child has an assessed need for short breaks", {"yes": 0, "no": 0}),
        Question("has_bank_account", "Carer has a bank account for the payment", {"yes": 0, "no": 0}),
    ),
    price_per_point=D("0.00"),
    bands=(),
    cap=D("600.00"),
    flat_amount=D("600.00"),
    eligible_when=(("assessed_need", "yes"), ("has_bank_account", "yes")),
)

PUBLISHED: dict[tuple[str, int], Scheme] = {
    (s.id, s.version): s for s in (SHORT_BREAKS_POINTS_V1, FLAT_SHORT_BREAKS_V1)
}


def get_scheme(scheme_id: str, version: int | None = None) -> Scheme:
    """A published scheme; without `version`, its latest version."""
    if version is None:
        return latest(scheme_id)
    try:
        return PUBLISHED[(scheme_id, version)]
    except KeyError:
        raise SchemeNotFound(f"no published scheme {scheme_id!r} version {version}") from None


def latest(scheme_id: str) -> Scheme:
    versions = [s for (sid, _), s in PUBLISHED.items() if sid == scheme_id]
    if not versions:
        raise SchemeNotFound(f"no published scheme {scheme_id!r}")
    return max(versions, key=lambda s: s.version)
