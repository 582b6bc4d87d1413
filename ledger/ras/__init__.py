"""Resource Allocation System: versioned questionnaires turning answers into money."""

from ledger.ras.assess import Assessment, assess
from ledger.ras.published import PUBLISHED, get_scheme, latest
from ledger.ras.scheme import Band, Question, Scheme

__all__ = ["PUBLISHED", "Assessment", "Band", "Question", "Scheme", "assess", "get_scheme", "latest"]
