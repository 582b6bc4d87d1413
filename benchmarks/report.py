"""One section of the suite's answer: a titled table whose last column is a ratio to a baseline.

Every section measures its own baseline in the same run, so the ratios survive a
loaded machine that the absolute figures do not; the machine's load average is
written beside them so a reader can judge the absolute ones.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._common import print_table


@dataclass
class Section:
    name: str  # the module that measured it
    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: list[object]) -> None:
        """Keep `row` and print it now (a long run shows each figure as it is measured)."""
        if not self.rows:
            print(f"\n{self.title}: {' | '.join(self.headers)}", flush=True)
        self.rows.append(row)
        print("  " + " | ".join(str(cell) for cell in row), flush=True)

    def print(self) -> None:
        print_table(self.title, self.headers, self.rows)
        for note in self.notes:
            print(f"  {note}")


def machine() -> dict[str, object]:
    """What the figures were measured on, and how busy it was."""
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "commit": _commit(),
    }


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def write_json(
    path: Path, sections: Sequence[Section], settings: dict[str, object], started: dict[str, object]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "machine_at_start": started,
        "machine_at_end": machine(),
        "sections": [asdict(s) for s in sections],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


def peak_rss_mib(pid: int) -> float | None:
    """A live process's peak resident set (VmHWM), in MiB; None where /proc does not say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None
