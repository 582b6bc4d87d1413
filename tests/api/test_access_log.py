"""Every read of a family's data is logged, append-only, and an auditor can ask who read what (issue 14)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledger.access_log import AccessLogClosed, reading_as
from ledger.use_cases import LedgerService
from tests.api.conftest import Api, Prepared, problem_of
from tests.builders import open_budget
from tests.conftest import CASEWORKER

READERS = ("caseworker", "auditor", "family_own")


def family_data_routes(api: Api) -> list[str]:
    """Every GET route under one budget (from the OpenAPI schema): each returns that family's data."""
    paths = api.get("/openapi.json", None).json()["paths"]
    return sorted(p for p, ops in paths.items() if "get" in ops and p.startswith("/v1/budgets/{"))


def fill(path: str, prepared: Prepared) -> str:
    known: dict[str, Any] = {
        "budget_id": prepared.budget_id,
        "return_id": "R1",
        "number": 1,
        **prepared.ids(),
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(known[m.group(1)]), path)


def test_every_family_data_route_logs_who_read_which_family_when_and_by_which_route(
    api: Api, prepared: Prepared
) -> None:
    routes = family_data_routes(api)
    assert {"/v1/budgets/{budget_id}", "/v1/budgets/{budget_id}/history"} <= set(routes)
    family = api.service.load(prepared.budget_id).family_ref
    for path in routes:
        before = len(api.service.access_log.entries())
        answered = {who: api.get(fill(path, prepared), who).status_code for who in READERS}
        readers = [who for who, status in answered.items() if status == 200]
        assert readers, (path, answered)
        logged = api.service.access_log.entries()[before:]
        assert [e.route for e in logged] == [f"GET {path}"] * len(readers), path
        assert {e.family_ref for e in logged} == {family}
        assert {e.budget_id for e in logged} == {str(prepared.budget_id)}
        assert all(datetime.now(UTC) - e.at < timedelta(minutes=1) for e in logged)
        assert sorted(e.actor_role for e in logged) == sorted(api_role(who) for who in readers)


def api_role(who: str) -> str:
    return who.split("_")[0]


def test_writes_and_refused_reads_are_not_logged_as_reads(api: Api, prepared: Prepared) -> None:
    before = len(api.service.access_log.entries())
    api.post(f"/v1/budgets/{prepared.budget_id}/suspension", json={"reason": "paused"})
    problem_of(api.get(f"/v1/budgets/{prepared.budget_id}", "family_other"), 403)
    assert len(api.service.access_log.entries()) == before


def test_an_auditor_or_admin_reads_the_log_by_family_and_dates_as_json_or_csv(
    api: Api, prepared: Prepared
) -> None:
    other = open_budget(api.service, family_ref="FAM-OTHER")
    api.get(f"/v1/budgets/{prepared.budget_id}/history", "family_own")
    api.get(f"/v1/budgets/{other}", "caseworker")
    today = datetime.now(UTC).date()
    for who in ("auditor", "admin"):
        answer = api.get("/v1/access-log", who, params={"family_ref": "FAM-001", "from": str(today)})
        assert answer.status_code == 200, answer.text
        entries = answer.json()["entries"]
        assert entries and {e["family_ref"] for e in entries} == {"FAM-001"}
        assert entries[-1]["route"] == "GET /v1/budgets/{budget_id}/history"
        assert entries[-1]["actor_role"] == "family" and entries[-1]["actor_id"].startswith("key:")
    everyone = api.get("/v1/access-log", "auditor").json()["entries"]
    assert {"FAM-001", "FAM-OTHER"} <= {e["family_ref"] for e in everyone}
    tomorrow = str(today + timedelta(days=1))
    assert api.get("/v1/access-log", "auditor", params={"from": tomorrow}).json()["entries"] == []
    csv = api.get("/v1/access-log", "auditor", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "at,actor_id,actor_role,family_ref,budget_id,route"
    assert "FAM-OTHER" in csv.text
    problem_of(api.get("/v1/access-log", "auditor", params={"from": tomorrow, "to": str(today)}), 422)
    for who in ("caseworker", "commissioner", "broker_own", "family_own"):
        problem_of(api.get("/v1/access-log", who), 403, "forbidden")


def test_the_log_refuses_to_be_edited_or_emptied(api: Api, prepared: Prepared) -> None:
    api.get(f"/v1/budgets/{prepared.budget_id}")
    log = api.service.access_log
    for sql in (f"UPDATE {name(log)} SET family_ref = 'X'", f"DELETE FROM {name(log)}"):
        with pytest.raises(Exception, match="append-only"), log.datastore.transaction(commit=True) as cursor:
            cursor.execute(sql)
    assert len(log.entries()) == 1


def name(log: Any) -> str:
    return f"{log.datastore.schema}.access_log" if log.postgres else "access_log"


def test_a_closed_ledger_logs_nothing_more_and_says_so(store_url: str) -> None:
    service = LedgerService(url=store_url)
    budget_id = open_budget(service)
    with reading_as("cli budgets show"):
        budget = service.read(CASEWORKER, budget_id)
    assert [e.route for e in service.access_log.entries()] == ["cli budgets show"]
    service.close()
    with pytest.raises(AccessLogClosed):
        service.access_log.record(CASEWORKER, budget)
