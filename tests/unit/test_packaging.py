"""What `pip install .` ships: every package directory must be a regular package.

A folder without `__init__.py` works from a checkout (as a namespace package)
but setuptools' package discovery leaves it out of a real install, so the
Docker image would start without it. The include list is read from
`pyproject.toml` itself, so a top-level package missing from it (as `ledger_demo`
would be without its entry) fails here rather than in the image; and the image
must copy every top-level package before it runs `pip install .`.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("ledger", "api", "ledger_demo")
DATA_SUFFIXES = (".json", ".html", ".css", ".js", ".toml")


def included() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(pyproject["tool"]["setuptools"]["packages"]["find"]["include"])


def test_every_source_folder_of_ledger_api_and_the_demo_is_a_package_setuptools_finds() -> None:
    folders = {
        ".".join(p.relative_to(ROOT).parts)
        for top in TOPS
        for p in [ROOT / top, *(ROOT / top).rglob("*")]
        if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))
    }
    assert folders <= set(find_packages(str(ROOT), include=included()))
    assert {"ledger.projections", "ledger_demo"} <= folders


def test_the_image_copies_every_top_level_package_it_installs() -> None:
    copies = {
        line.split()[1]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and len(line.split()) == 3
    }
    assert set(TOPS) <= copies


def test_no_file_the_packages_read_at_run_time_is_ignored_by_git_or_left_out_of_the_install() -> None:
    """A data file under an ignored name works in the author's checkout and is missing everywhere else.

    (It happened: `data/` in .gitignore hid `ledger/schemes/data/*.json`, so a clean
    checkout could not open a budget.)
    """
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = pyproject["tool"]["setuptools"]["package-data"]
    data_files = [
        p
        for top in TOPS
        for p in (ROOT / top).rglob("*")
        if p.is_file()
        and p.suffix in (".json", ".html", ".css", ".js", ".toml")
        and "__pycache__" not in p.parts
    ]
    assert any(p.parent.name == "data" for p in data_files)
    for path in data_files:
        relative = path.relative_to(ROOT)
        top, inside = relative.parts[0], Path(*relative.parts[1:])
        assert any(inside.match(pattern) for pattern in declared.get(top, [])), relative
    if (ROOT / ".git").exists():
        ignored = subprocess.run(
            ["git", "check-ignore", *[str(p.relative_to(ROOT)) for p in data_files]],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert ignored.stdout == "", ignored.stdout
