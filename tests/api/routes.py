"""Every route of the API v1 this service answers, with who may call it (as DESIGN says) and a valid body.

The `allowed` sets are written from DESIGN.md's table, not read from
`ledger.access`, so the refusal matrix checks the code against the design.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.api.conftest import POINTS_ANSWERS, Prepared, open_body, spend_body, trial_spend_body

CW, BROKER, FAMILY, AUDITOR = "caseworker", "broker_own", "family_own", "auditor"
COMMISSIONER, ADMIN = "commissioner", "admin"
Body = Callable[[Prepared], dict[str, Any] | None]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[str]
    body: Body = lambda p: None
    created: bool = False  # answers 201
    idempotent: bool = False  # needs an Idempotency-Key

    def url(self, prepared: Prepared) -> str:
        return self.path.format(**prepared.ids())

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, api: Any, prepared: Prepared, who: str | None, **kw: Any) -> Any:
        headers = kw.pop("headers", {})
        if self.idempotent:
            headers = {"Idempotency-Key": uuid.uuid4().hex, **headers}
        if self.method == "GET":
            return api.get(self.url(prepared), who, headers=headers, **kw)
        kw.setdefault("json", self.body(prepared))
        return api.post(self.url(prepared), who, headers=headers, **kw)


def _allowed(*who: str) -> frozenset[str]:
    return frozenset(who)


B = "/v1/budgets/{id}"
REASON = {"reason": "agreed with the family"}
C = "/v1/budgets/{committing_budget}/commitments"
ROUTES: list[Route] = [
    Route("POST", "/v1/budgets", _allowed(CW), lambda p: open_body(), created=True),
    Route("GET", B, _allowed(CW, AUDITOR, BROKER, FAMILY)),
    # a family reads the published RAS it was assessed with (issue 9)
    Route("GET", "/v1/ras/schemes", _allowed(CW, AUDITOR, FAMILY, "family_other")),
    Route("GET", "/v1/ras/schemes/short-breaks-points", _allowed(CW, AUDITOR, FAMILY, "family_other")),
    Route(
        "POST",
        "/v1/ras/assessments",
        _allowed(CW),
        lambda p: {"scheme": "short-breaks-points", "answers": POINTS_ANSWERS},
    ),
    Route(
        "POST",
        B + "/allocation",
        _allowed(CW),
        lambda p: {"amounts": {"social_care": "600.00"}, "rationale": "flat rate"},
    ),
    Route(
        "POST",
        B + "/allocation/revisions",
        _allowed(CW),
        lambda p: {"amounts": {"social_care": "1200.00"}, "reason": "more nights", "dispute_id": "D1"},
    ),
    Route(
        "POST",
        B + "/instalments",
        _allowed(CW),
        lambda p: {"amount": "100.00", "due_on": "2027-02-01", "gated": False},
        created=True,
    ),
    Route("POST", B + "/instalments/{pending_instalment}/release", _allowed(CW)),
    Route("POST", B + "/instalments/{cancellable_instalment}/cancellation", _allowed(CW), lambda p: REASON),
    Route("POST", B + "/spends", _allowed(CW, BROKER), lambda p: spend_body(), created=True, idempotent=True),
    Route("POST", B + "/spends/{spend_id}/reversal", _allowed(CW, BROKER), lambda p: {"reason": "twice"}),
    Route(
        "POST",
        B + "/monitoring-returns",
        _allowed(CW, BROKER, FAMILY),
        lambda p: {
            "period_start": "2026-04-01",
            "period_end": "2026-09-30",
            "declared_spent": "90.00",
            "notes": "PA hours",
        },
        created=True,
    ),
    Route("POST", B + "/monitoring-returns/{return_to_accept}/acceptance", _allowed(CW)),
    Route("POST", B + "/monitoring-returns/{return_to_query}/query", _allowed(CW), lambda p: REASON),
    Route(
        "POST",
        B + "/surplus-recoveries",
        _allowed(CW),
        lambda p: {"amount": "10.00", "reason": "unspent"},
    ),
    Route(
        "POST",
        B + "/trials",
        _allowed(CW),
        lambda p: {"name": "respite trial", "virtual_amount": "400.00", "baseline_cost": "650.00"},
        created=True,
    ),
    Route(
        "POST",
        B + "/trials/{trial_id}/spends",
        _allowed(CW, BROKER),
        lambda p: trial_spend_body(),
        created=True,
        idempotent=True,
    ),
    Route(
        "POST",
        B + "/trials/{trial_id}/conclusion",
        _allowed(CW),
        lambda p: {"outcome": "adopted", "notes": "works"},
    ),
    Route(
        "POST",
        B + "/disputes",
        _allowed(CW, FAMILY),
        lambda p: {"subject": "spend", "subject_ref": p.spend_id, "grounds": "not ours"},
        created=True,
    ),
    Route(
        "POST",
        B + "/disputes/{dispute_id}/resolution",
        _allowed(CW),
        lambda p: {"outcome": "not_upheld", "resolution": "allocation stands"},
    ),
    Route(
        "POST",
        B + "/reviews",
        _allowed(CW),
        lambda p: {"reviewed_on": "2026-10-01", "summary": "on track", "next_review_due": "2027-04-01"},
    ),
    Route("POST", B + "/suspension", _allowed(CW), lambda p: REASON),
    Route("POST", B + "/resumption", _allowed(CW), lambda p: REASON),
    Route("POST", B + "/closure", _allowed(CW), lambda p: REASON),
    Route("GET", B + "/history", _allowed(AUDITOR, CW, FAMILY)),
    Route("GET", B + "/state", _allowed(AUDITOR, CW)),
    Route("GET", B + "/verification", _allowed(AUDITOR)),
    # read models and envelopes (the list: a broker or family of any scope may list, seeing its own)
    Route("GET", "/v1/budgets", _allowed(CW, AUDITOR, BROKER, "broker_other", FAMILY, "family_other")),
    Route("GET", "/v1/analytics/spending?group_by=month,category", _allowed(COMMISSIONER, AUDITOR)),
    Route("GET", "/v1/analytics/portfolio", _allowed(COMMISSIONER, AUDITOR)),
    Route("GET", "/v1/analytics/monitoring", _allowed(COMMISSIONER, CW)),
    # --- surplus (issue 8) ---
    Route("GET", "/v1/analytics/surplus", _allowed(COMMISSIONER, CW, AUDITOR)),
    Route("GET", "/v1/envelopes", _allowed(COMMISSIONER, ADMIN, AUDITOR)),
    Route(
        "POST",
        "/v1/envelopes",
        _allowed(COMMISSIONER, ADMIN),
        lambda p: {"stream": "health", "year": 2026, "amount": "50000.00", "reason": "ICB budget"},
        created=True,
    ),
    # --- budget schemes (the prepared budget is on the default scheme: no payments administrator,
    # no family spends, no approval threshold, so nothing waits for approval)
    Route("GET", "/v1/schemes", _allowed(CW, AUDITOR, BROKER, "broker_other", FAMILY, "family_other")),
    Route(
        "GET",
        "/v1/schemes/wiltshire-short-breaks",
        _allowed(CW, AUDITOR, BROKER, "broker_other", FAMILY, "family_other"),
    ),
    Route("POST", B + "/bank-account-confirmation", _allowed(CW), lambda p: {"confirmed_on": "2026-04-02"}),
    Route("POST", B + "/spends/{spend_id}/approval", _allowed(CW)),
    Route("POST", B + "/spends/{spend_id}/rejection", _allowed(CW), lambda p: REASON),
    Route("GET", B + "/monitoring", _allowed(CW, AUDITOR, BROKER, FAMILY)),
    # --- security (issue 14) ---
    Route("GET", "/v1/access-log", _allowed(AUDITOR, ADMIN)),
    # --- audit: the whole-ledger proof ---
    Route("POST", "/v1/ledger/checkpoints", _allowed(AUDITOR, ADMIN), created=True),
    Route("GET", "/v1/ledger/checkpoints", _allowed(AUDITOR, ADMIN)),
    Route("GET", "/v1/ledger/verification", _allowed(AUDITOR)),
    Route("GET", B + "/statement", _allowed(CW, AUDITOR, BROKER, FAMILY)),
    Route("GET", B + "/dispute-pack", _allowed(CW, AUDITOR, FAMILY)),
    # --- erasure of a family's free text ---
    Route("POST", "/v1/families/{family_ref}/erasure", _allowed(ADMIN), lambda p: {"reason": "request 4411"}),
    # paged lists of one budget (issue 12: answers that do not grow)
    Route("GET", B + "/spends", _allowed(CW, AUDITOR, BROKER, FAMILY)),
    Route("GET", B + "/monitoring-returns", _allowed(CW, AUDITOR, BROKER, FAMILY)),
    # --- the decision pathway (issue 9); the prepared budget is allocated on the default scheme
    Route(
        "POST",
        B + "/indicative-budget",
        _allowed(CW),
        lambda p: {
            "ras": {"scheme": "short-breaks-points", "answers": POINTS_ANSWERS},
            "completed_with_family": True,
        },
    ),
    Route("POST", B + "/support-plan", _allowed(CW), lambda p: plan_body(), created=True),
    Route(
        "POST",
        B + "/support-plan/revisions",
        _allowed(CW),
        lambda p: {**plan_body(), "reason": "more PA hours"},
        created=True,
    ),
    Route(
        "POST",
        B + "/panel-decisions",
        _allowed(CW),
        lambda p: {
            "panel_date": "2026-04-25",
            "reference": "RP-1",
            "chair_role": "head of service",
            "amount": "1200.00",
            "notes": "agreed",
        },
        created=True,
    ),
    Route(
        "POST",
        B + "/previous-package",
        _allowed(CW),
        lambda p: {"cost": "4200.00", "entry_route": "existing_user", "notes": "respite nights"},
    ),
    Route("GET", B + "/plan-vs-actual", _allowed(CW, AUDITOR, BROKER, FAMILY)),
    Route("GET", "/v1/analytics/plans", _allowed(COMMISSIONER, AUDITOR)),
    # --- commitments (issue 10), on a budget whose scheme takes them ---
    Route(
        "POST",
        C,
        _allowed(CW, BROKER),
        lambda p: {
            "provider_id": p.provider_id,
            "category": "personal_assistant",
            "description": "weekly sessions",
            "unit_price": "15.50",
            "quantity": "2",
            "unit": "hours",
        },
        created=True,
        idempotent=True,
    ),
    Route("GET", C, _allowed(CW, AUDITOR, BROKER, FAMILY)),
    Route(
        "POST",
        C + "/{commitment_id}/payments",
        _allowed(CW, BROKER),
        lambda p: {"amount": "1.00", "service_date": "2026-05-04", "description": "May's sessions"},
        created=True,
        idempotent=True,
    ),
    Route(
        "POST", C + "/{commitment_id}/cancellation", _allowed(CW, BROKER), lambda p: {"reason": "moved away"}
    ),
    # --- providers (issue 10): brokers of any organisation read the register to match families ---
    Route(
        "POST",
        "/v1/providers",
        _allowed(CW, ADMIN),
        lambda p: {"reference": f"ORG-{uuid.uuid4().int % 10**9}", "kind": "organisation", "in_house": False},
        created=True,
    ),
    Route("GET", "/v1/providers", _allowed(CW, BROKER, "broker_other", AUDITOR)),
    Route("GET", "/v1/providers/{provider_id}", _allowed(CW, BROKER, "broker_other", AUDITOR)),
    Route("GET", "/v1/providers/approvals/expiring", _allowed(CW, BROKER, "broker_other", AUDITOR)),
    Route(
        "POST",
        "/v1/providers/{provider_id}/approvals",
        _allowed(CW, ADMIN),
        lambda p: {
            "approval": "registered_care_provider",
            "valid_from": "2026-04-01",
            "valid_to": "2027-03-31",
            "evidence_ref": "CQC-1-000000001",
        },
        created=True,
    ),
    Route(
        "POST",
        "/v1/providers/{provider_id}/approvals/{approval_id}/revocation",
        _allowed(CW, ADMIN),
        lambda p: {"reason": "registration cancelled"},
    ),
]


def plan_body() -> dict[str, Any]:
    return {
        "outcomes": [{"id": "O1", "text": "a regular break for the carer"}],
        "planned": [{"category": "personal_assistant", "stream": "social_care", "amount": "480.00"}],
        "agreed_on": "2026-04-20",
        "next_review_due": "2026-10-20",
    }


BY_NAME = {route.name: route for route in ROUTES}
