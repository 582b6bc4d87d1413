"""Load the synthetic demo cohort through the ledger's own use cases.

Every event is written by a `LedgerService` method called by the actor who would
act in life: a caseworker opens budgets, decides allocations, releases
instalments, decides returns and resolves disputes; each family's broker (bound
to its organisation) records spends; families submit returns and raise disputes.
So the demo is held to the same access and business rules as the API, and its
events are indistinguishable from real ones. The plan comes from
`ledger.demo_data` (pure and seeded); this module replays it quarter by quarter
and month by month across the whole cohort, so the log runs in service-date order.

Idempotent: when the cohort's first reference is already taken nothing is loaded.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from ledger.aggregates.actor import Actor
from ledger.aggregates.spending import SpendRequest
from ledger.application import Outcome
from ledger.demo_data import FAMILIES, PERIOD, REVISION, ROLES, FamilyPlan, month_spends, plan_cohort
from ledger.demo_data import month_start as start_of
from ledger.money import ZERO, total
from ledger.use_cases import LedgerService

T = TypeVar("T")
CASEWORKER = Actor("cw-demo", "caseworker")
CLOSED_AFTER = 8  # the closed family moves away after December's spends
REVIEWS = (
    "Outcomes on track; PA hours now cover after-school clubs",
    "Carers report better sleep since the change to the package",
    "Agreed to try community activities at weekends",
)


def load_demo(service: LedgerService, seed: int = 2026, families: int = FAMILIES) -> dict[str, object]:
    """Load the cohort (unless already there) and say what was written and how long it took.

    `families` below 92 loads a smaller cohort (for tests) whose total is scaled pro rata.
    """
    started = time.perf_counter()
    plans = plan_cohort(seed, families)
    if service.find_by_reference(plans[0].reference) is not None:
        return {
            "loaded": False,
            "note": f"{plans[0].reference} exists: the demo is loaded already",
            "budgets": 0,
            "allocated": ZERO,
            "spends": 0,
            "trial_spends": 0,
            "events": 0,
            "seconds": round(time.perf_counter() - started, 2),
        }
    loader = _Loader(service, seed, plans)
    loader.run()
    return {
        "loaded": True,
        "budgets": len(plans),
        "allocated": total(p.decided for p in plans) + REVISION,
        "spends": loader.spends,
        "trial_spends": loader.trial_spends,
        "events": loader.events,
        "seconds": round(time.perf_counter() - started, 2),
    }


def quarter_of(day: date) -> int:
    return (day.month - 4) % 12 // 3


def family_of(plan: FamilyPlan) -> Actor:
    return Actor(f"family:{plan.family_ref}", "family", family=plan.family_ref)


def spender_of(plan: FamilyPlan) -> Actor:
    """The broker records the family's spends; the council records its own commissioning."""
    if plan.broker_org is None:
        return CASEWORKER
    return Actor(f"broker:{plan.broker_org}", "broker", org=plan.broker_org)


class _Loader:
    def __init__(self, service: LedgerService, seed: int, plans: list[FamilyPlan]) -> None:
        self.service, self.seed, self.plans = service, seed, plans
        self.role = {name: plans[index] for name, index in ROLES.items()}
        self.events = self.spends = self.trial_spends = 0
        self.spent: dict[tuple[int, int], Decimal] = defaultdict(Decimal)  # (family, quarter)
        self.ids: dict[str, str] = {}  # what the stories created: dispute, trial and spend ids

    def do(self, outcome: Outcome[T]) -> T:
        self.events += outcome.position is not None
        return outcome.result

    def run(self) -> None:
        for plan in self.plans:
            self.open(plan)
        for quarter in range(4):
            self.release(quarter)
            for month in range(3 * quarter, 3 * quarter + 3):
                self.spend_month(month)
                getattr(self, f"month_{month}", lambda: None)()  # that month's stories, if any
            self.collect_returns(quarter)
        self.year_end()

    def live(self, month: int) -> list[FamilyPlan]:
        return [p for p in self.plans if not (p is self.role["closed"] and month > CLOSED_AFTER)]

    # --- the routine year --------------------------------------------------------
    def open(self, plan: FamilyPlan) -> None:
        s = self.service
        s.open_budget(
            CASEWORKER,
            reference=plan.reference,
            family_ref=plan.family_ref,
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            management=plan.management,
            cohort=plan.cohort,
            broker_org=plan.broker_org,
            budget_id=plan.budget_id,
        )
        self.events += 2  # the budget and its reference claim
        rationale = (
            "Flat-rate short breaks payment: assessed need and a bank account"
            if plan.flat
            else "Support plan agreed at the resource panel"
        )
        self.do(
            s.decide_allocation(
                CASEWORKER,
                plan.budget_id,
                plan.amounts(),
                rationale,
                (plan.scheme, plan.answers, 1),
                plan.variance_reason,
            )
        )
        for amount, due_on, gated in plan.instalments():
            self.do(s.schedule_instalment(CASEWORKER, plan.budget_id, amount, due_on, gated))

    def release(self, quarter: int) -> None:
        for plan in self.live(3 * quarter):
            for number, (_, due_on, _) in enumerate(plan.instalments(), 1):
                if quarter_of(due_on) == quarter:
                    self.do(self.service.release_instalment(CASEWORKER, plan.budget_id, number))

    def spend_month(self, month: int) -> None:
        for plan in self.live(month):
            for n, request in enumerate(month_spends(plan, month, self.seed)):
                self.spend(plan, request, f"demo/{month}/{n}")
                self.spent[plan.index, month // 3] += request.amount

    def spend(self, plan: FamilyPlan, request: SpendRequest, key: str) -> str:
        self.spends += 1
        return self.do(self.service.record_spend(spender_of(plan), plan.budget_id, request, key)).spend_id

    def collect_returns(self, quarter: int) -> None:
        """Quarterly (half-yearly for flat rates); a few late, a few queried, a few never sent."""
        for plan in self.live(3 * quarter + 2):
            late = plan.index % 11 == 3 and not plan.gated
            if (plan.flat and quarter % 2 == 0) or (late and quarter == 0):
                continue
            if plan.index % 23 == 9 and quarter == 3:
                continue  # overdue at year end
            if late and quarter == 1:
                self.submit(plan, 0, 0, "Sent late: the form was lost in the post")
            first = quarter - 1 if plan.flat else quarter
            if plan.index % 13 == 3 and quarter == 1:
                self.query_then_resubmit(plan, first, quarter)
            else:
                self.submit(plan, first, quarter, "Spent as the support plan sets out")

    def submit(self, plan: FamilyPlan, first: int, last: int, notes: str, extra: Decimal = ZERO) -> str:
        declared = total(self.spent[plan.index, q] for q in range(first, last + 1)) + extra
        submitter = family_of(plan) if plan.management == "direct_payment" else spender_of(plan)
        return_id = self.do(
            self.service.submit_return(
                submitter,
                plan.budget_id,
                start_of(3 * first),
                start_of(3 * last + 3) - timedelta(days=1),
                declared,
                notes,
            )
        )
        if not extra:
            self.do(self.service.accept_return(CASEWORKER, plan.budget_id, return_id))
        return return_id

    def query_then_resubmit(self, plan: FamilyPlan, first: int, last: int) -> None:
        queried = self.submit(plan, first, last, "Includes the holiday club deposit", Decimal("120.00"))
        self.do(
            self.service.query_return(
                CASEWORKER,
                plan.budget_id,
                queried,
                "Declares 120.00 more than the recorded spends: receipts please",
            )
        )
        self.ids[f"queried/{plan.index}"] = queried
        self.submit(plan, first, last, "Corrected: the holiday club deposit was refunded")

    # --- the stories: trials, disputes, reviews, suspension and closure ----------
    def trial_spend(self, plan: FamilyPlan, month: int, request: SpendRequest) -> None:
        self.trial_spends += 1
        trial_id = self.ids[f"trial/{plan.index}"]
        self.do(
            self.service.record_trial_spend(
                spender_of(plan), plan.budget_id, trial_id, request, f"demo/trial/{month}"
            )
        )

    def pa_trial_month(self, month: int) -> None:
        hours = Decimal(14)
        self.trial_spend(
            self.role["trial_adopted"],
            month,
            SpendRequest(
                hours * 16,
                "personal_assistant",
                "Personal assistant employed by the family",
                start_of(month).replace(day=20),
                "Trial: PA-led weekend break",
                hours,
                "hours",
            ),
        )

    def club_trial_month(self, month: int) -> None:
        self.trial_spend(
            self.role["trial_abandoned"],
            month,
            SpendRequest(
                Decimal("105.00"),
                "community_activity",
                "Holiday club",
                start_of(month).replace(day=12),
                "Trial: holiday club days",
                Decimal(3),
                "sessions",
            ),
        )

    def dispute(self, plan: FamilyPlan, subject: str, grounds: str, ref: str | None = None) -> str:
        self.ids[f"dispute/{subject}"] = self.do(
            self.service.raise_dispute(family_of(plan), plan.budget_id, subject, grounds, ref)
        )
        return self.ids[f"dispute/{subject}"]

    def resolve(self, plan: FamilyPlan, subject: str, outcome: str, resolution: str) -> str:
        dispute_id = self.ids[f"dispute/{subject}"]
        self.do(self.service.resolve_dispute(CASEWORKER, plan.budget_id, dispute_id, outcome, resolution))
        return dispute_id

    def month_1(self) -> None:
        plan = self.role["trial_adopted"]
        self.ids[f"trial/{plan.index}"] = self.do(
            self.service.start_trial(
                CASEWORKER,
                plan.budget_id,
                "PA-led weekend breaks in place of residential nights",
                Decimal("1800.00"),
                Decimal("2880.00"),
            )
        )
        self.pa_trial_month(1)

    def month_2(self) -> None:
        self.pa_trial_month(2)
        self.dispute(
            self.role["allocation_dispute"],
            "allocation",
            "Night support was scored as 'some'; our son wakes several times every night",
        )

    def month_3(self) -> None:
        self.pa_trial_month(3)
        plan, s = self.role["allocation_dispute"], self.service
        dispute_id = self.resolve(
            plan,
            "allocation",
            "partly_upheld",
            "Night support re-scored as substantial; an uplift of 480.00 agreed",
        )
        amounts = plan.amounts()
        amounts["social_care"] += REVISION
        budget_id = plan.budget_id
        self.do(s.revise_allocation(CASEWORKER, budget_id, amounts, "Dispute upheld in part", dispute_id))
        number = self.do(s.schedule_instalment(CASEWORKER, budget_id, REVISION, date(2026, 7, 15), False))
        self.do(s.release_instalment(CASEWORKER, budget_id, number))
        trial = self.role["trial_abandoned"]
        self.ids[f"trial/{trial.index}"] = self.do(
            self.service.start_trial(
                CASEWORKER,
                trial.budget_id,
                "Holiday club in place of outreach hours",
                Decimal("900.00"),
                Decimal("1104.00"),
            )
        )
        self.club_trial_month(3)

    def month_4(self) -> None:
        self.pa_trial_month(4)
        self.club_trial_month(4)

    def month_5(self) -> None:
        self.pa_trial_month(5)
        trial = self.role["trial_abandoned"]
        self.do(
            self.service.conclude_trial(
                CASEWORKER,
                trial.budget_id,
                self.ids[f"trial/{trial.index}"],
                "abandoned",
                "No holiday club near home with trained staff",
            )
        )
        plan = self.role["spend_dispute"]
        charged_twice = min(month_spends(plan, 5, self.seed), key=lambda r: r.amount)
        spend_id = self.spend(plan, charged_twice, "demo/5/resent-invoice")
        self.dispute(plan, "spend", "The same invoice was paid twice", spend_id)
        self.ids["spend/duplicate"] = spend_id

    def month_6(self) -> None:
        plan, s = self.role["trial_adopted"], self.service
        trial_id = self.ids[f"trial/{plan.index}"]
        self.do(
            s.conclude_trial(
                CASEWORKER,
                plan.budget_id,
                trial_id,
                "adopted",
                "Weekend PA breaks met the outcomes at less than the residential cost",
            )
        )
        dup = self.role["spend_dispute"]
        dispute_id = self.resolve(dup, "spend", "upheld", "Paid twice in error: the second is reversed")
        self.do(
            s.reverse_spend(
                spender_of(dup),
                dup.budget_id,
                self.ids["spend/duplicate"],
                "Duplicate payment of one invoice",
                dispute_id,
            )
        )
        queried = self.role["return_dispute"]
        self.dispute(
            queried,
            "monitoring_return",
            "The deposit was a real cost when we sent the form",
            self.ids[f"queried/{queried.index}"],
        )
        for plan in [p for p in self.plans if p.index % 7 == 0]:
            reviewed_on = date(2026, 10, 1 + plan.index % 28)
            self.do(
                s.review(
                    CASEWORKER,
                    plan.budget_id,
                    reviewed_on,
                    REVIEWS[plan.index % len(REVIEWS)],
                    reviewed_on + timedelta(days=182),
                )
            )

    def month_7(self) -> None:
        self.resolve(
            self.role["return_dispute"],
            "monitoring_return",
            "not_upheld",
            "The deposit was refunded in the same quarter, so the corrected return stands",
        )

    def month_8(self) -> None:
        plan, s = self.role["instalment_dispute"], self.service
        self.dispute(plan, "instalment", "The October instalment waited on a form we had already sent", "3")
        closing = self.role["closed"]
        available = s.read(CASEWORKER, closing.budget_id).available
        if available > ZERO:
            self.do(
                s.recover_surplus(
                    CASEWORKER,
                    closing.budget_id,
                    available,
                    "Family moved out of the area: unspent funds recovered",
                )
            )
        self.do(s.close_budget(CASEWORKER, closing.budget_id, "Family moved out of the area"))

    def year_end(self) -> None:
        plan = self.role["suspended"]
        self.do(
            self.service.suspend_budget(
                CASEWORKER, plan.budget_id, "Concerns about the use of funds: paused pending a review"
            )
        )
