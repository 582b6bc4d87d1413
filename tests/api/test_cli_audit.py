"""`ledger checkpoint` and `ledger verify`: a kept checkpoint proves the ledger, or names the change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.use_cases import LedgerService
from tests.api.tamper import Tamper
from tests.builders import a_spend, open_funded_budget
from tests.conftest import CASEWORKER


def _json(output: str) -> dict[str, Any]:
    return dict(json.loads(output[output.index("{") :]))


def test_a_kept_checkpoint_verifies_until_an_event_is_deleted(
    run: Any, ledger: LedgerService, store_url: str, tmp_path: Path
) -> None:
    budget = open_funded_budget(ledger, reference="BH-CLI-1")
    ledger.record_spend(CASEWORKER, budget, a_spend("3.00"))
    made = run("checkpoint")
    assert made.exit_code == 0, made.output
    kept = tmp_path / "checkpoint.json"
    kept.write_text(made.stdout)
    assert _json(made.stdout)["position"] > 0
    fine = run("verify", "--all", "--checkpoint", str(kept))
    assert fine.exit_code == 0, fine.output
    assert _json(fine.stdout)["ok"] is True
    tamper = Tamper(store_url)
    tamper.delete(at := tamper.position(budget, 3))
    broken = run("verify", "--all", "--checkpoint", str(kept))
    assert broken.exit_code == 1
    assert _json(broken.stdout)["first_failure"]["position"] == at


def test_verify_one_budget_by_reference_names_the_failing_version(
    run: Any, ledger: LedgerService, store_url: str
) -> None:
    budget = open_funded_budget(ledger, reference="BH-CLI-2")
    assert _json(run("verify", "BH-CLI-2").stdout) | {"head_hash": ""} == {
        "ok": True,
        "checked": 4,
        "first_failure": None,
        "head_hash": "",
    }
    tamper = Tamper(store_url)
    tamper.edit_one_byte(tamper.position(budget, 2))
    answer = run("verify", "BH-CLI-2")
    assert (answer.exit_code, _json(answer.stdout)["first_failure"]) == (1, 2)


def test_verify_needs_a_budget_or_all_and_a_readable_checkpoint(run: Any, tmp_path: Path) -> None:
    assert "name a budget or give --all" in run("verify").stderr
    assert "no budget" in run("verify", "BH-NOPE").stderr
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    answer = run("verify", "--all", "--checkpoint", str(bad))
    assert answer.exit_code == 1 and "is not a checkpoint" in answer.stderr
