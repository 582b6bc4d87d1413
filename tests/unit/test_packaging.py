"""What `pip install .` ships: every package directory must be a regular package.

A folder without `__init__.py` works from a checkout (as a namespace package)
but setuptools' package discovery leaves it out of a real install, so the
Docker image would start without it.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def test_every_source_folder_of_ledger_and_api_is_a_package_setuptools_finds() -> None:
    folders = {
        ".".join(p.relative_to(ROOT).parts)
        for top in ("ledger", "api")
        for p in [ROOT / top, *(ROOT / top).rglob("*")]
        if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))
    }
    assert folders <= set(find_packages(str(ROOT), include=["ledger*", "api*"]))
    assert "ledger.projections" in folders
