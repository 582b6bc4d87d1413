"""Dependencies point inward: the domain imports only the standard library and its own core."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

LEDGER = Path(__file__).resolve().parents[2] / "ledger"
DOMAIN_MAY_IMPORT = (
    "eventsourcing.domain",
    "pydantic",
    "ledger.money",
    "ledger.errors",
    "ledger.ras",
    "ledger.aggregates",
    "ledger.schemes",  # budget schemes are domain data, held to the same rule (below)
)
#: standard modules the domain still keeps away from: no environment, files, processes or sockets
DOMAIN_MAY_NOT_IMPORT = ("os", "sqlite3", "subprocess", "socket", "shutil", "pathlib")


def imports_of(path: Path) -> Iterator[str]:
    """Every module `path` imports; `from a import b` counts as `a.b` too (b may be a module)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield "<relative import>"


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def domain_allows(name: str) -> bool:
    top = name.split(".")[0]
    if top in sys.stdlib_module_names:
        return top not in DOMAIN_MAY_NOT_IMPORT
    # `from ledger import errors` yields `ledger` and `ledger.errors`; the latter is what counts
    return name == "ledger" or any(is_within(name, allowed) for allowed in DOMAIN_MAY_IMPORT)


def python_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


#: the scheme package's one module that reaches the event store (an application service)
SCHEMES_SERVICE = "published.py"


@pytest.mark.parametrize(
    "path",
    [p for p in python_files(LEDGER / "schemes") if p.name != SCHEMES_SERVICE],
    ids=lambda p: p.name,
)
def test_budget_schemes_import_only_what_the_domain_may(path: Path) -> None:
    assert sorted({name for name in imports_of(path) if not domain_allows(name)}) == []


@pytest.mark.parametrize("path", python_files(LEDGER / "aggregates"), ids=lambda p: p.name)
def test_the_domain_imports_only_the_standard_library_eventsourcing_domain_pydantic_and_its_core(
    path: Path,
) -> None:
    refused = sorted({name for name in imports_of(path) if not domain_allows(name)})
    assert refused == []


def test_nothing_in_the_ledger_package_imports_the_web_layer() -> None:
    offenders = {
        f"{path.relative_to(LEDGER.parent)}: {name}"
        for path in python_files(LEDGER)
        for name in imports_of(path)
        if any(is_within(name, web) for web in ("fastapi", "starlette", "api"))
    }
    assert offenders == set()


def test_the_import_check_would_notice_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom eventsourcing.application import Application\nfrom . import x\n")
    assert sorted(n for n in imports_of(module) if not domain_allows(n)) == [
        "<relative import>",
        "eventsourcing.application",
        "eventsourcing.application.Application",
        "os",
    ]
