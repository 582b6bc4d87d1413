"""Bulk month-end ingest through `POST /v1/spends:batch` and `ledger ingest`, on both stores.

Each row is checked by its own budget's rules and recorded once; a refused row
records nothing and names its rule; the same file again records nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.settings import Settings
from ledger.use_cases import LedgerService
from tests.api.conftest import ROLE_VARIANTS, Api, problem_of
from tests.builders import open_funded_budget

HEADER = "row_id,budget,amount,category,provider,service_date,description,units,unit,funding_stream"
CSV = {"Content-Type": "text/csv"}
BATCH = "/v1/spends:batch"


def file_of(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def spent(api: Api, budget_id: UUID) -> str:
    return str(api.service.load(budget_id).figures().spent)


@pytest.fixture
def two_budgets(api: Api) -> tuple[UUID, UUID]:
    """MONTH-A with 600.00 released (brokerage-a), MONTH-B with 100.00 released (brokerage-b)."""
    a = open_funded_budget(api.service, reference="MONTH-A", released="600.00")
    b = open_funded_budget(api.service, reference="MONTH-B", released="100.00", broker_org="brokerage-b")
    return a, b


def test_a_file_records_each_good_row_once_and_refuses_each_bad_row_with_its_rule(
    api: Api, two_budgets: tuple[UUID, UUID]
) -> None:
    a, b = two_budgets
    text = file_of(
        "r1,MONTH-A,100.00,personal_assistant,PA-1,2026-05-02,hours,8,hours,",
        "r2,MONTH-A,600.00,residential_overnight,RES-1,2026-05-03,weekend,2,nights,",
        "r3,MONTH-A,50.00,community_activity,CLUB-1,2026-05-04,swimming,,,",
        f"r4,{b},20.00,transport,TAXI-1,2026-05-05,to club,,,",
        "r5,NO-SUCH-BUDGET,20.00,transport,TAXI-1,2026-05-05,to club,,,",
        "r6,MONTH-A,20.001,transport,TAXI-1,2026-05-05,to club,,,",
        "r7,MONTH-B,20.00,transport,TAXI-1,2027-05-05,after the period,,,",
    )
    response = api.post(BATCH, content=text, headers=CSV)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["summary"] == {"rows": 7, "recorded": 3, "already_recorded": 0, "refused": 4}
    results = {row["row_id"]: (row["result"], row["rule"]) for row in answer["rows"]}
    assert results == {
        "r1": ("recorded", None),
        "r2": ("refused", "insufficient-funds"),  # 600.00 asked, 500.00 left after r1
        "r3": ("recorded", None),  # r2 recorded nothing, so r3 sees 500.00
        "r4": ("recorded", None),
        "r5": ("refused", "not-found"),
        "r6": ("refused", "invalid-amount"),
        "r7": ("refused", "service-date-outside-period"),
    }
    assert [row["line"] for row in answer["rows"]] == [2, 3, 4, 5, 6, 7, 8]
    assert (spent(api, a), spent(api, b)) == ("150.00", "20.00")
    assert int(response.headers["X-Ledger-Position"]) == api.service.recorder.max_notification_id()
    spends = api.get(f"/v1/budgets/{a}").json()["spends"]
    assert sorted(s["amount"] for s in spends if s["provider"] != "PA Co") == ["100.00", "50.00"]


def test_the_same_file_again_records_nothing_and_says_so(api: Api, two_budgets: tuple[UUID, UUID]) -> None:
    a, b = two_budgets
    text = file_of(
        "r1,MONTH-A,100.00,personal_assistant,PA-1,2026-05-02,hours,,,",
        "r2,MONTH-B,30.00,outreach,OUT-1,2026-05-02,visit,,,",
    )
    first = api.post(BATCH, content=text, headers=CSV).json()
    versions = (api.version(a), api.version(b))
    again = api.post(BATCH, content=text, headers=CSV).json()
    assert first["summary"]["recorded"] == 2
    assert again["summary"] == {"rows": 2, "recorded": 0, "already_recorded": 2, "refused": 0}
    assert [r["spend_id"] for r in again["rows"]] == [r["spend_id"] for r in first["rows"]]
    assert (api.version(a), api.version(b)) == versions
    assert (spent(api, a), spent(api, b)) == ("100.00", "30.00")


def test_a_row_id_sent_again_with_another_body_is_refused(api: Api, two_budgets: tuple[UUID, UUID]) -> None:
    api.post(BATCH, content=file_of("r1,MONTH-A,10.00,outreach,O,2026-05-02,x,,,"), headers=CSV)
    answer = api.post(BATCH, content=file_of("r1,MONTH-A,99.00,outreach,O,2026-05-02,x,,,"), headers=CSV)
    assert answer.json()["rows"][0]["rule"] == "idempotency-key-reused"
    assert spent(api, two_budgets[0]) == "10.00"


def test_a_broker_records_only_on_its_own_budgets_and_cannot_tell_others_from_unknown(
    api: Api, two_budgets: tuple[UUID, UUID]
) -> None:
    a, b = two_budgets
    text = file_of(
        "r1,MONTH-A,10.00,outreach,O,2026-05-02,x,,,",
        f"r2,{b},10.00,outreach,O,2026-05-02,x,,,",
        "r3,00000000-0000-4000-8000-000000000000,10.00,outreach,O,2026-05-02,x,,,",
    )
    rows = api.post(BATCH, "broker_own", content=text, headers=CSV).json()["rows"]
    assert [r["result"] for r in rows] == ["recorded", "refused", "refused"]
    assert rows[1]["rule"] == rows[2]["rule"] == "forbidden"
    assert rows[1]["detail"] == rows[2]["detail"] and str(b) not in rows[1]["detail"]
    assert (spent(api, a), spent(api, b)) == ("10.00", "0.00")


@pytest.mark.parametrize("who", ["family_own", "auditor", "commissioner", "admin"])
def test_roles_that_may_not_spend_are_refused_and_nothing_is_recorded(
    api: Api, two_budgets: tuple[UUID, UUID], who: str
) -> None:
    assert who in ROLE_VARIANTS
    before = api.version(two_budgets[0])
    text = file_of("r1,MONTH-A,10.00,outreach,O,2026-05-02,x,,,")
    problem_of(api.post(BATCH, who, content=text, headers=CSV), 403, "forbidden")
    problem_of(api.post(BATCH, None, content=text, headers=CSV), 401, "unauthenticated")
    assert api.version(two_budgets[0]) == before


def test_json_lines_are_read_like_csv(api: Api, two_budgets: tuple[UUID, UUID]) -> None:
    line = (
        '{"row_id": "j1", "budget": "MONTH-A", "amount": "25.00", "category": "befriending", '
        '"provider": "B-1", "service_date": "2026-06-01", "description": "walk"}'
    )
    response = api.post(BATCH, content=line + "\n", headers={"Content-Type": "application/x-ndjson"})
    assert response.json()["summary"]["recorded"] == 1
    assert spent(api, two_budgets[0]) == "25.00"


def test_bad_files_are_clear_problems_and_record_nothing(api: Api, two_budgets: tuple[UUID, UUID]) -> None:
    before = api.version(two_budgets[0])
    good = file_of("r1,MONTH-A,10.00,outreach,O,2026-05-02,x,,,")
    problem = problem_of(api.post(BATCH, content=good, headers={"Content-Type": "application/json"}), 415)
    assert "text/csv" in problem["detail"]
    problem_of(api.post(BATCH, content="row_id,amount\nr1,1.00\n", headers=CSV), 422, "invalid-input")
    problem_of(api.post(BATCH, content=b"\xff\xfe\x00", headers=CSV), 422, "invalid-input")
    problem_of(api.post(BATCH + "?dry=1", content=good, headers=CSV), 422, "unknown-query-parameter")
    assert api.version(two_budgets[0]) == before


def test_a_month_end_file_may_be_larger_than_a_command_but_not_without_bound(
    api: Api, two_budgets: tuple[UUID, UUID]
) -> None:
    rows = [
        f"r{i},MONTH-A,0.01,transport,TAXI-{i},2026-05-02,fare {i:04d} {'x' * 60},,," for i in range(1200)
    ]
    text = file_of(*rows)
    assert len(text.encode()) > Settings().max_body_bytes
    answer = api.post(BATCH, content=text, headers=CSV).json()
    assert answer["summary"]["recorded"] == 1200
    assert spent(api, two_budgets[0]) == "12.00"
    small = create_app(service=api.service, run_projections=False, settings=Settings(max_batch_bytes=1000))
    with TestClient(small) as client:
        response = client.post(
            BATCH, content=text, headers={**CSV, "Authorization": f"Bearer {api.keys['caseworker']}"}
        )
    problem_of(response, 413)


def test_a_budget_changed_by_another_writer_meanwhile_is_run_again_and_recorded_once(
    api: Api, two_budgets: tuple[UUID, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_budgets
    real_save = LedgerService.save
    calls: list[int] = []

    def save_losing_the_first_race(self: LedgerService, *aggregates: Any, **kw: Any) -> Any:
        calls.append(len(aggregates))
        if len(calls) == 1:
            raise IntegrityError("another writer got there first")
        return real_save(self, *aggregates, **kw)

    monkeypatch.setattr(LedgerService, "save", save_losing_the_first_race)
    text = file_of(
        "r1,MONTH-A,10.00,outreach,O,2026-05-02,x,,,",
        "r2,MONTH-B,10.00,outreach,O,2026-05-02,x,,,",
        "r3,MONTH-A,5.00,outreach,O,2026-05-02,x,,,",
    )
    answer = api.post(BATCH, content=text, headers=CSV).json()
    assert answer["summary"]["recorded"] == 3
    assert calls[0] == 2 and calls[1:] == [1, 1]  # both budgets in one transaction, then one by one
    assert (spent(api, a), spent(api, b)) == ("15.00", "10.00")


def test_the_command_line_ingests_a_file_reports_each_row_and_fails_when_a_row_is_refused(
    run: Any, store_url: str, tmp_path: Path
) -> None:
    service = LedgerService(url=store_url)
    try:
        budget_id = open_funded_budget(service, reference="CLI-MONTH", released="100.00")
    finally:
        service.close()
    data = tmp_path / "month.csv"
    data.write_text(
        file_of(
            "c1,CLI-MONTH,40.00,personal_assistant,PA-1,2026-05-02,hours,,,",
            "c2,CLI-MONTH,90.00,personal_assistant,PA-1,2026-05-03,hours,,,",
        )
    )
    report = tmp_path / "report.csv"
    result = run("ingest", str(data), "--report", str(report))
    assert result.exit_code == 1, result.output
    assert "2 rows: 1 recorded, 0 already recorded, 1 refused" in result.stdout
    assert "line 3 (c2): insufficient-funds" in result.stdout
    with report.open() as f:
        lines = list(csv.DictReader(f))
    assert [(r["row_id"], r["result"], r["rule"]) for r in lines] == [
        ("c1", "recorded", ""),
        ("c2", "refused", "insufficient-funds"),
    ]
    data.write_text(file_of("c1,CLI-MONTH,40.00,personal_assistant,PA-1,2026-05-02,hours,,,"))
    again = run("ingest", str(data))
    assert again.exit_code == 0, again.output
    assert "1 rows: 0 recorded, 1 already recorded, 0 refused" in again.stdout
    service = LedgerService(url=store_url)
    try:
        assert str(service.load(budget_id).figures().spent) == "40.00"
    finally:
        service.close()
