"""`ledger budgets list | show` on both stores, read from the event store with no projection running."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ledger.use_cases import LedgerService
from tests.builders import open_budget, open_funded_budget
from tests.conftest import CASEWORKER


@pytest.fixture
def budgets(store_url: str) -> dict[str, str]:
    """Three budgets: two in cohort A (one funded, one suspended), one in cohort B for another family."""
    service = LedgerService(url=store_url)
    try:
        funded = open_funded_budget(service, reference="CLI-A1", cohort="cohort-a", allocated="1000.00")
        suspended = open_budget(service, reference="CLI-A2", cohort="cohort-a")
        service.decide_allocation(CASEWORKER, suspended, {"health": Decimal("50.00")}, "test")
        service.suspend_budget(CASEWORKER, suspended, "paused")
        other = open_budget(service, reference="CLI-B1", cohort="cohort-b", family_ref="FAM-B")
    finally:
        service.close()
    return {"CLI-A1": str(funded), "CLI-A2": str(suspended), "CLI-B1": str(other)}


def references(stdout: str) -> list[str]:
    return [word for line in stdout.splitlines() for word in line.split() if word.startswith("CLI-")]


def test_list_shows_every_budget_in_opening_order_with_its_figures(run: Any, budgets: dict[str, str]) -> None:
    result = run("budgets", "list")
    assert result.exit_code == 0, result.output
    assert references(result.stdout) == ["CLI-A1", "CLI-A2", "CLI-B1"]
    (a1,) = [line for line in result.stdout.splitlines() if "CLI-A1" in line]
    assert budgets["CLI-A1"] in a1 and "1000.00" in a1 and "600.00" in a1  # allocated, released, available


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (("--cohort", "cohort-a"), ["CLI-A1", "CLI-A2"]),
        (("--status", "suspended"), ["CLI-A2"]),
        (("--family-ref", "FAM-B"), ["CLI-B1"]),
        (("--reference", "CLI-B1"), ["CLI-B1"]),
        (("--reference", "CLI-B1", "--cohort", "cohort-a"), []),
        (("--reference", "NO-SUCH"), []),
        (("--limit", "2"), ["CLI-A1", "CLI-A2"]),
    ],
)
def test_list_filters_combine(
    run: Any, budgets: dict[str, str], options: tuple[str, ...], expected: list[str]
) -> None:
    result = run("budgets", "list", *options)
    assert result.exit_code == 0, result.output
    assert references(result.stdout) == expected


def test_an_unknown_status_is_a_usage_error(run: Any) -> None:
    assert run("budgets", "list", "--status", "sleeping").exit_code == 2


def test_show_finds_a_budget_by_reference_or_id_and_prints_its_figures(
    run: Any, budgets: dict[str, str]
) -> None:
    by_reference = run("budgets", "show", "CLI-A1")
    assert by_reference.exit_code == 0, by_reference.output
    figures = dict(
        line.strip("│ ").split(maxsplit=1) for line in by_reference.stdout.splitlines() if "│" in line
    )
    assert {k: figures[k].strip("│ ") for k in ("allocated", "released", "available", "status")} == {
        "allocated": "1000.00",
        "released": "600.00",
        "available": "600.00",
        "status": "active",
    }
    assert budgets["CLI-A1"] in by_reference.stdout and "instalment" in by_reference.stdout
    by_id = run("budgets", "show", budgets["CLI-A2"])
    assert by_id.exit_code == 0 and "CLI-A2" in by_id.stdout and "suspended" in by_id.stdout


@pytest.mark.parametrize("ref_or_id", ["NO-SUCH", "00000000-0000-0000-0000-000000000000"])
def test_show_of_an_unknown_budget_is_one_error_line(run: Any, ref_or_id: str) -> None:
    result = run("budgets", "show", ref_or_id)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"error: no budget with reference or id {ref_or_id!r}"
