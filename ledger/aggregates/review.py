"""Reviews against the support plan: every outcome of the current plan rated, nothing else."""

from __future__ import annotations

from typing import Any

from ledger import errors
from ledger.aggregates.plan_state import OutcomeRating, OutcomeRatingIn
from ledger.aggregates.text import check_text
from ledger.aggregates.vocabulary import check_choice


def check_ratings(ratings: list[OutcomeRatingIn], plan_outcomes: list[str]) -> list[dict[str, Any]]:
    """The ratings as recorded [{outcome_id, rating, note}], in the plan's order.

    Without a plan there is nothing to rate; with one, each of its outcomes is rated once.
    """
    ids = [r.outcome_id for r in ratings]
    if len(set(ids)) != len(ids):
        raise errors.InvalidInput("a review rates each outcome once")
    checked = {
        r.outcome_id: {
            "outcome_id": r.outcome_id,
            "rating": check_choice("rating", r.rating, OutcomeRating).value,
            "note": check_text("note", r.note),
        }
        for r in ratings
    }
    unknown = sorted(set(ids) - set(plan_outcomes))
    if unknown:
        raise errors.UnknownOutcome(f"the current support plan has no outcome {', '.join(unknown)}")
    unrated = [o for o in plan_outcomes if o not in checked]
    if unrated:
        raise errors.OutcomeNotRated(f"the review leaves {', '.join(unrated)} unrated: rate every outcome")
    return [checked[o] for o in plan_outcomes]
