"""What the decision pathway's creating commands answer: the new plan version or panel decision id."""

from __future__ import annotations

from typing import Any

from api.schemas.answers import DoneAnswer


class SupportPlanAgreedAnswer(DoneAnswer):
    plan_version: int


class PanelDecisionRecordedAnswer(DoneAnswer):
    decision_id: str


def plan_agreed(budget: Any, plan_version: int, full: bool) -> SupportPlanAgreedAnswer:
    return SupportPlanAgreedAnswer.of(budget, full, plan_version=plan_version)


def panel_recorded(budget: Any, decision_id: str, full: bool) -> PanelDecisionRecordedAnswer:
    return PanelDecisionRecordedAnswer.of(budget, full, decision_id=decision_id)
