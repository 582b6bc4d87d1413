"""Answers kept while their read model is unchanged: a repeated question costs one position read.

A read model's tables change only in a transaction that also records the position
of the event it applied (`ReadView.apply`), and a rebuild fills a new generation's
view, not this one. So while a view still reports the position it reported before
an answer was computed, that answer is still exactly the answer, and is served
again. The position is read *before* asking: an event applied in between may be in
the answer, but the answer is filed under the older position, which the view no
longer reports, so the next asker computes afresh. Nothing stale is ever served,
and `min_position` (read your own writes) is unaffected.

Why: a commissioner's dashboard asks the same few questions again and again, and a
council's ledger changes a few times a minute; a fresh spending answer at 5,000,000
events costs seconds (README, Performance), a kept one the position read.

Kept per view (so per read model and generation) and per process, the least recently
asked dropped beyond `SIZE`; askers get a copy, because they mark rows (suppression).
This rests on a view's position only ever rising while a process reads it: one runner
per read model applies events in order, and the library refuses a tracking position
at or below the one recorded. A restore, which could lower it, runs with the servers
stopped (README, Operations).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

SIZE = 64
T = TypeVar("T")
_making = threading.Lock()


class KeptAnswers:
    """Answers by question, each filed under the position its view reported before it was computed."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, position: Callable[[], int], question: Hashable, ask: Callable[[], T]) -> T:
        at = position()
        with self._lock:
            kept = self._answers.get(question)
            hit = kept is not None and kept[0] == at
            if hit:
                self._answers.move_to_end(question)
        if hit:
            return copy.deepcopy(kept[1])  # type: ignore[index,no-any-return]  # copied outside the lock
        answer = ask()
        filed = (at, copy.deepcopy(answer))
        with self._lock:
            newer = self._answers.get(question)
            if newer is None or newer[0] <= at:  # a slow asker never replaces a later answer
                self._answers[question] = filed
                self._answers.move_to_end(question)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer


def frozen(value: Any) -> Hashable:
    """A question's arguments as a key: lists and tuples alike become tuples."""
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value  # type: ignore[no-any-return]


def kept(method: Callable[..., T]) -> Callable[..., T]:
    """A read view's question whose answers are kept while the view's position is unchanged."""

    @functools.wraps(method)
    def asking(view: Any, *args: Any, **kwargs: Any) -> T:
        question = (method.__qualname__, frozen(args), frozen(sorted(kwargs.items())))
        try:
            hash(question)
        except TypeError:  # an argument that cannot be a key: asked afresh
            return method(view, *args, **kwargs)
        answers = view.__dict__.get("kept_answers")
        if answers is None:
            with _making:
                answers = view.__dict__.setdefault("kept_answers", KeptAnswers())
        return answers.answer(view.position, question, lambda: method(view, *args, **kwargs))  # type: ignore[no-any-return]

    return asking
