"""Small-number suppression: no aggregate a commissioner sees covers fewer than `threshold` families.

UK official statistics withhold cells built from fewer than a handful of people
(commonly fewer than 5), because a "group" of one is that family's own record: a
cohort holding one budget shows that child's nights and hours by month. So:

- **primary**: a group covering fewer families than the threshold is withheld; its
  keys stay (so the suppression shows) and its figures become null;
- **complementary**: in any set of groups whose figures add up to a total that is
  shown (the groups sharing all keys but the last, or the whole list), one withheld
  group alone could be recovered by subtraction, so the visible group with the fewest
  families is withheld too;
- **total**: when the whole answer covers fewer families than the threshold, its
  totals are withheld as well.

Only who may see it changes: the read models are untouched, and auditors (and
caseworkers, who manage each case) see every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

DEFAULT_THRESHOLD = 5


def withhold(
    rows: Sequence[dict[str, Any]],
    families: Sequence[int],
    threshold: int,
    figures: Sequence[str],
    partition: Callable[[dict[str, Any]], Hashable] = lambda row: (),
    emptied: Sequence[str] = (),
) -> tuple[list[dict[str, Any]], int]:
    """`rows` with `suppressed` set and, where True, `figures` nulled and `emptied` made {}; and the count."""
    hidden = [count < threshold for count in families]
    parts: dict[Hashable, list[int]] = {}
    for index, row in enumerate(rows):
        parts.setdefault(partition(row), []).append(index)
    for members in parts.values():
        if sum(hidden[i] for i in members) == 1 and len(members) > 1:
            visible = [i for i in members if not hidden[i]]
            hidden[min(visible, key=lambda i: (families[i], i))] = True
    out = []
    for row, withheld in zip(rows, hidden, strict=True):
        if withheld:
            row = {**row, **dict.fromkeys(figures), **{name: {} for name in emptied}}
        out.append({**row, "suppressed": withheld})
    return out, sum(hidden)
