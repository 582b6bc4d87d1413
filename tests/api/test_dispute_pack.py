"""The dispute pack: a budget with a RAS allocation, a reversal and a revision answering disputes.

Through the API on both stores (JSON and the HTML page), the RAS check on its own
with a forged record, and the page in headless Chromium (screenshot in tests/artefacts/).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest

from api.app import create_app
from ledger.audit_pack import ras_check
from ledger.keys import create_key
from tests.api.conftest import POINTS_ANSWERS, Api, open_body
from tests.browser import ARTEFACTS, Browser, serving


def disputed_budget(api: Api) -> dict[str, Any]:
    """RAS-scored allocation of 600.00; a spend the family disputes, reversed; the allocation
    disputed and revised to 800.00; both disputes resolved. Made by a named caseworker."""
    key_id, secret = create_key(api.service, "caseworker", "Sam Okafor, short breaks team")
    cw = {"Authorization": f"Bearer {secret}"}
    family = api.headers("family_own")
    budget = api.client.post("/v1/budgets", json=open_body(), headers=cw).json()["id"]
    b = f"/v1/budgets/{budget}"
    ras = {"scheme": "short-breaks-points", "answers": POINTS_ANSWERS}
    posts: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        ("/allocation", {"amounts": {"social_care": "600.00"}, "ras": ras, "rationale": "RAS band"}, cw),
        ("/instalments", {"amount": "600.00", "due_on": "2026-04-01", "gated": False}, cw),
        ("/instalments/1/release", {}, cw),
    ]
    for path, body, who in posts:
        assert api.client.post(b + path, json=body, headers=who).status_code < 300
    spend = {"amount": "40.00", "category": "personal_assistant", "provider": "PA Co"}
    spend |= {"service_date": "2026-05-02", "description": "Saturday"}
    spend_id = api.client.post(b + "/spends", json=spend, headers={**cw, "Idempotency-Key": "s1"}).json()[
        "spend_id"
    ]
    about_spend = {"subject": "spend", "subject_ref": spend_id, "grounds": "we never had that session"}
    d1 = api.client.post(b + "/disputes", json=about_spend, headers=family).json()["dispute_id"]
    reversal = {"reason": "the PA was off sick that day", "dispute_id": d1}
    api.client.post(f"{b}/spends/{spend_id}/reversal", json=reversal, headers=cw)
    api.client.post(
        f"{b}/disputes/{d1}/resolution", json={"outcome": "upheld", "resolution": "refunded"}, headers=cw
    )
    about_amount = {"subject": "allocation", "grounds": "the nights our son needs were not counted"}
    d2 = api.client.post(b + "/disputes", json=about_amount, headers=family).json()["dispute_id"]
    revision = {"amounts": {"social_care": "800.00"}, "reason": "two more nights a month", "dispute_id": d2}
    assert api.client.post(b + "/allocation/revisions", json=revision, headers=cw).status_code == 200
    resolution = {"outcome": "partly_upheld", "resolution": "nights added, day care stays"}
    api.client.post(f"{b}/disputes/{d2}/resolution", json=resolution, headers=cw)
    return {"id": budget, "path": b, "d1": d1, "d2": d2, "key": key_id}


def test_the_pack_holds_the_revision_the_reversal_the_disputes_and_a_matching_ras(api: Api) -> None:
    made = disputed_budget(api)
    pack = api.get(made["path"] + "/dispute-pack", "family_own").json()
    kinds = [s["kind"] for s in pack["timeline"]]
    assert {"AllocationDecided", "SpendReversed", "AllocationRevised", "DisputeResolved"} <= set(kinds)
    corrections = {c["kind"]: c for c in pack["corrections"]}
    assert corrections["SpendReversed"]["why"] == "the PA was off sick that day"
    assert corrections["SpendReversed"]["dispute_id"] == made["d1"]
    assert corrections["AllocationRevised"]["dispute_id"] == made["d2"]
    stories = {d["dispute_id"]: d for d in pack["disputes"]}
    assert stories[made["d1"]]["outcome"] == "upheld"
    assert [s["kind"] for s in stories[made["d1"]]["answered_by"]] == ["SpendReversed"]
    assert stories[made["d2"]]["outcome"] == "partly_upheld"
    assert [s["kind"] for s in stories[made["d2"]]["answered_by"]] == ["AllocationRevised"]
    (ras,) = pack["ras"]
    assert ras["matches"] is True and ras["problem"] is None
    assert (ras["recorded_points"], ras["recorded_amount"]) == (
        ras["recomputed_points"],
        ras["recomputed_amount"],
    )
    assert ras["recomputed_amount"] == "600.00" and ras["recomputed_working"]
    assert pack["balances"]["allocated"] == "800.00" and pack["balances"]["available"] == "600.00"
    decided = pack["timeline"][1]
    assert decided["who"] == {
        "id": f"key:{made['key']}",
        "role": "caseworker",
        "name": "Sam Okafor, short breaks team",
    }
    history = api.get(made["path"] + "/history", "auditor").json()["events"]
    assert pack["verification"] == {
        "ok": True,
        "checked": len(history),
        "first_failure": None,
        "final_hash": history[-1]["hash"],
    }


def test_the_page_is_plain_words_escaped_and_runs_nothing(api: Api) -> None:
    made = disputed_budget(api)
    page = api.get(made["path"] + "/dispute-pack", "auditor", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    html = page.text
    assert "<script" not in html and "style=" not in html
    for words in (
        "The allocation was revised to £800.00 social care",
        "the PA was off sick that day",
        "partly upheld",
        "Scoring the recorded answers again gives the same result",
        "Sam Okafor, short breaks team (caseworker)",
        "none has been changed or removed",
    ):
        assert words in html, words


def test_recorded_text_is_escaped_on_the_page(api: Api) -> None:
    made = disputed_budget(api)
    api.post(
        made["path"] + "/disputes", "family_own", json={"subject": "allocation", "grounds": "<b>unfair</b>"}
    )
    html = api.get(made["path"] + "/dispute-pack", "caseworker", headers={"Accept": "text/html"}).text
    assert "&lt;b&gt;unfair&lt;/b&gt;" in html and "<b>unfair</b>" not in html


def test_a_recorded_ras_result_that_differs_from_the_scheme_is_flagged(api: Api) -> None:
    made = disputed_budget(api)
    decided: Any = next(
        e for e in api.service.events.get(UUID(made["id"])) if type(e).__name__ == "AllocationDecided"
    )
    forged = ras_check(replace(decided, points=decided.points + 3))
    assert forged.matches is False and forged.problem and forged.recomputed_points == decided.points
    unknown = ras_check(replace(decided, scheme_version=99))
    assert unknown.matches is False and unknown.problem and "cannot score again" in unknown.problem


def _with_key(app: Any, secret: str) -> Any:
    """The app, with every request carrying `secret` (a browser cannot send a bearer header itself)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "headers": [*scope["headers"], (b"authorization", f"Bearer {secret}".encode())]}
        await app(scope, receive, send)

    return wrapped


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_pack_renders_in_headless_chromium(api: Api) -> None:
    made = disputed_budget(api)
    browser = Browser.find_or_skip()
    app = create_app(service=api.service, run_projections=False)
    with serving(_with_key(app, api.keys["family_own"])) as base, browser:
        url = f"{base}{made['path']}/dispute-pack"
        dom = browser.dom(url)
        shot = browser.screenshot(url, ARTEFACTS / "dispute-pack.png", size="1280,3000")
    assert "How the budget" in dom and "Disputes and how they ended" in dom
    assert "two more nights a month" in dom and "Worked out again now" in dom
    assert shot.stat().st_size > 10_000
