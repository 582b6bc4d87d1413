"""`ledger checkpoint` and `ledger verify`: a kept checkpoint proves the ledger, or names the change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.proof.rule import GENESIS, fingerprint, link
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


def test_history_as_a_table_and_as_json_names_who_did_what(run: Any, ledger: LedgerService) -> None:
    budget = open_funded_budget(ledger, reference="BH-CLI-3")
    ledger.record_spend(CASEWORKER, budget, a_spend("3.00"))
    table = run("history", "BH-CLI-3")
    assert table.exit_code == 0, table.output
    assert "Instalment 1 was paid into the budget." in table.stdout and "597.00" in table.stdout
    events = json.loads(run("history", "BH-CLI-3", "--format", "json").stdout)
    assert [e["version"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0]["actor"] == {"id": "cw-1", "role": "caseworker", "name": None}
    before = run("history", "BH-CLI-3", "--as-of", "2020-01-01T00:00:00Z", "--format", "json")
    assert json.loads(before.stdout) == []
    assert "needs a time zone" in run("history", "BH-CLI-3", "--as-of", "2026-01-01T00:00:00").stderr


def test_state_at_a_version_shows_the_figures_then(run: Any, ledger: LedgerService) -> None:
    open_funded_budget(ledger, reference="BH-CLI-4")
    then = _json(run("state", "BH-CLI-4", "--version", "2").stdout)
    assert (then["version"], then["allocated"], then["released"]) == (2, "1000.00", "0.00")
    assert "give --as-of or --version" in run("state", "BH-CLI-4").stderr


def test_export_writes_every_event_so_the_rule_recomputes_the_checkpoint(
    run: Any, ledger: LedgerService, tmp_path: Path
) -> None:
    open_funded_budget(ledger, reference="BH-CLI-5")
    kept = _json(run("checkpoint").stdout)
    archive = tmp_path / "ledger.jsonl"
    assert run("export", "--out", str(archive)).exit_code == 0
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    assert [line["position"] for line in lines] == sorted(line["position"] for line in lines)
    running = GENESIS
    for line in (x for x in lines if x["position"] <= kept["position"]):
        state = line["state"].encode()
        print_ = fingerprint(line["position"], line["originator_id"], line["version"], line["topic"], state)
        running = link(running, print_)
    assert running == kept["hash"]


def test_dispute_pack_writes_json_or_a_page(run: Any, ledger: LedgerService, tmp_path: Path) -> None:
    open_funded_budget(ledger, reference="BH-CLI-6")
    as_json, as_page = tmp_path / "pack.json", tmp_path / "pack.html"
    assert run("dispute-pack", "BH-CLI-6", "--out", str(as_json)).exit_code == 0
    pack = json.loads(as_json.read_text())
    assert pack["reference"] == "BH-CLI-6" and pack["verification"]["ok"] is True
    assert run("dispute-pack", "BH-CLI-6", "--out", str(as_page)).exit_code == 0
    assert "How the budget BH-CLI-6 was decided and spent" in as_page.read_text()
