"""The demo sits beside the ledger, not in it: only the `ledger demo` command imports it, lazily."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.test_layers import imports_of, is_within, python_files

ROOT = Path(__file__).resolve().parents[2]
CLI_DEMO = ROOT / "ledger" / "cli" / "demo.py"


def test_nothing_in_ledger_or_api_imports_the_demo_but_the_demo_command() -> None:
    importers = {
        path.relative_to(ROOT).as_posix()
        for top in ("ledger", "api")
        for path in python_files(ROOT / top)
        if any(is_within(name, "ledger_demo") for name in imports_of(path))
    }
    assert importers == {"ledger/cli/demo.py"}


def test_the_demo_command_imports_the_demo_only_when_it_runs() -> None:
    module = ast.parse(CLI_DEMO.read_text())
    top_level = [node for node in module.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {getattr(node, "module", None) or node.names[0].name for node in top_level}
    assert names and not any(is_within(name, "ledger_demo") for name in names)


def test_the_old_demo_modules_are_gone_from_the_core_package() -> None:
    assert not (ROOT / "ledger" / "demo.py").exists() and not (ROOT / "ledger" / "demo_data.py").exists()
