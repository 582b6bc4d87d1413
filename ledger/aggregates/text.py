"""Text that is safe to show: no control characters, no bidirectional tricks.

The ledger's free text (descriptions, notes, reasons, references) is shown later
in terminals, logs, CSV exports, dispute packs and web pages. A NUL truncates it
in C code, an ESC rewrites a terminal, a CR forges a log line, and a right-to-left
override (U+202E) makes `txt.exe` read as `exe.txt`. So every string an event
carries is checked once, where the domain records it (`BudgetBase.record` and the
other aggregates), whoever the caller: HTTP, the command line or a test.

Allowed: tab, line feed and CR LF (multi-line notes from a browser's text box).
Refused: every other C0/C1 control, lone surrogates, line and paragraph separators,
and the bidirectional controls (embeddings, overrides, isolates and marks).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from ledger import errors

#: the bidirectional formatting characters of Unicode (UAX #9): marks, embeddings, overrides, isolates
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\t\n")


#: every character refused: the categories Cc, Cs, Zl and Zp (fixed sets by Unicode's stability
#: policy) but tab and LF, the bidirectional controls, and a CR that does not start a CR LF.
#: One regular expression, not a loop over `unicodedata`: every string of every event passes here.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
    + "".join(sorted(BIDI_CONTROLS))
    + "]|\r(?!\n)"
)


def unsafe_character(text: str) -> str | None:
    """The first character of `text` that is not safe to show, or None."""
    found = UNSAFE.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): a character named without printing it."""
    name = unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


def printable(text: str) -> str:
    """`text` with every unsafe character written as `<U+202E>`: safe to echo in an answer or a log."""
    if unsafe_character(text) is None:
        return text
    return "".join(f"<U+{ord(c):04X}>" if unsafe_character(c) else c for c in text)


def check_text(field: str, value: str) -> str:
    """`value`, if it is safe to show; else `UnsafeText` naming the field and the character."""
    bad = unsafe_character(value)
    if bad is not None:
        raise errors.UnsafeText(
            f"{field} holds {describe_character(bad)}; control characters and "
            "bidirectional overrides are not allowed in text the ledger keeps"
        )
    return value


def strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside `value` (keys too), with where it sits, e.g. `answers.siblings`."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, path)
            yield from strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)


def check_fields(value: Any) -> None:
    """Check every string an event (a dataclass) or a dict of fields carries."""
    for where, text in strings(value, ""):
        check_text(where or "text", text)
