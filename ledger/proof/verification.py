"""Whole-ledger verification: one pass over the store in position order, naming the first failure.

At every stored event it checks, in this order:
1. the sealed fingerprints (`ledger.aggregates.checkpoints`): a sealed position
   that is missing, or whose event no longer has its sealed fingerprint, or an
   event at a position that was never sealed although later ones were (inserted);
2. the running hash where each segment ends and at the auditor's own checkpoint;
3. the budget's own chain (`ledger.aggregates.chain`): versions 1, 2, 3... with no
   gap, each linked to the one before and hashing to its recorded hash.
At the end, every budget named by a reference claim must still have events.

Sealed fingerprints locate a change; the running hash proves it. Someone who
rewrote both the events and the sealed fingerprints still fails against the
checkpoint hash the auditor kept outside the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from ledger.access import Action, authorize
from ledger.aggregates import events as ev
from ledger.aggregates.actor import Actor
from ledger.aggregates.chain import GENESIS as CHAIN_GENESIS
from ledger.aggregates.chain import recompute
from ledger.aggregates.checkpoints import CHECKPOINTS_ID, FINGERPRINT_DIGITS
from ledger.aggregates.reference import BudgetReference
from ledger.application import Ledger
from ledger.proof.rawchain import stored_links
from ledger.proof.rule import GENESIS, fingerprint, link, short
from ledger.proof.store import head_position, stored_events

Progress = Callable[[int, int], None]
CLAIM_TOPIC = get_topic(BudgetReference.Claimed)  # type: ignore[attr-defined]


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


BUDGET_TOPICS = frozenset(get_topic(cls) for cls in _subclasses(ev.BudgetEvent))


@dataclass(frozen=True)
class Failure:
    reason: str
    position: int | None = None
    budget: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class LedgerVerification:
    ok: bool
    checked: int
    first_failure: Failure | None
    position: int  # the last position walked
    hash: str  # the running hash there: the chain's final hash
    budgets: int


@dataclass(frozen=True)
class Sealed:
    position: int
    short: str
    segment_end: str | None  # the running hash sealed after this position, at a segment's end


def sealed(app: Ledger) -> Iterator[Sealed]:
    """Every sealed position with its short fingerprint, in order, read from the segments' events."""
    event: Any
    for event in app.events.get(CHECKPOINTS_ID):
        if type(event).__name__ != "SegmentSealed":
            continue
        positions: list[int] = event.positions
        for i, position in enumerate(positions):
            print_ = event.fingerprints[i * FINGERPRINT_DIGITS : (i + 1) * FINGERPRINT_DIGITS]
            end = event.running_hash if i == len(positions) - 1 else None
            yield Sealed(position, print_, end)


class Walk:
    """The state of one pass: the running hash, what is sealed next, each budget's head."""

    def __init__(self, app: Ledger, checkpoint: tuple[int, str] | None) -> None:
        self.app = app
        self.checkpoint = checkpoint
        self.running = GENESIS
        self.position = 0
        self.checked = 0
        self.expected = sealed(app)
        self.next: Sealed | None = next(self.expected, None)
        self.heads: dict[UUID, tuple[int, str]] = {}
        self.claims: dict[UUID, str] = {}

    def step(self, n: Notification) -> Failure | None:
        failure = self._passing(n.id) or self._sealing(n)
        if failure:
            return failure
        self.position = n.id
        self.checked += 1
        if n.topic in BUDGET_TOPICS:
            return self._chain(n)
        if n.topic == CLAIM_TOPIC:
            claim: Any = self.app.mapper.to_domain_event(n)
            self.claims[claim.budget_id] = claim.reference
        return None

    def _passing(self, position: int) -> Failure | None:
        """Before `position`: sealed positions skipped over are missing; the checkpoint is passed."""
        if self.next is not None and self.next.position < position:
            return Failure("an event sealed at this position is missing", self.next.position)
        if self.checkpoint and self.position <= self.checkpoint[0] < position:
            return self._at_checkpoint()
        return None

    def _at_checkpoint(self) -> Failure | None:
        assert self.checkpoint is not None
        if self.running != self.checkpoint[1]:
            return Failure("the running hash differs from the checkpoint's hash", self.checkpoint[0])
        self.checkpoint = None
        return None

    def _sealing(self, n: Notification) -> Failure | None:
        print_ = fingerprint(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        self.running = link(self.running, print_)
        if self.next is None:  # beyond the last sealed position: only the chains speak for it
            return None
        if self.next.position > n.id:
            return Failure("an event was inserted where none was sealed", n.id)
        expected, self.next = self.next, next(self.expected, None)
        if short(print_) != expected.short:
            return Failure("the event differs from the one sealed at this position", n.id)
        if expected.segment_end is not None and expected.segment_end != self.running:
            return Failure("the running hash differs from the one sealed here", n.id)
        return None

    def _chain(self, n: Notification) -> Failure | None:
        budget = UUID(str(n.originator_id))
        version, previous = self.heads.get(budget, (0, CHAIN_GENESIS))

        def failure(reason: str) -> Failure:
            return Failure(reason, n.id, str(budget), version + 1)

        if n.originator_version != version + 1:
            return failure(f"version {version + 1} is missing from the budget's chain")
        links = stored_links(n.topic, budget.hex, n.originator_version, n.state)
        if links is not None and links[0] == previous and links[1] == links[2]:
            self.heads[budget] = (n.originator_version, links[1])
            return None
        try:  # the quick reading disagrees: decide by the domain's own rule
            event: Any = self.app.mapper.to_domain_event(n)
        except Exception:  # any byte edited into the JSON: the event cannot even be read
            return failure("the event cannot be read")
        if event.prev_hash != previous:
            return failure("the event does not link to the one before it")
        if recompute(event) != event.hash:
            return failure("the event's content does not match its hash")
        self.heads[budget] = (n.originator_version, event.hash)
        return None

    def finish(self) -> Failure | None:
        if self.next is not None:
            return Failure("an event sealed at this position is missing", self.next.position)
        if self.checkpoint is not None:
            if self.position < self.checkpoint[0] and self.running != self.checkpoint[1]:
                return Failure("the ledger ends before the checkpoint's position", self.checkpoint[0])
            failure = self._at_checkpoint()
            if failure:
                return failure
        for budget, reference in self.claims.items():
            if budget not in self.heads:
                return Failure(f"budget {reference} has no events left", budget=str(budget))
        return None


def verify_ledger(
    app: Ledger,
    actor: Actor,
    checkpoint: tuple[int, str] | None = None,
    progress: Progress | None = None,
) -> LedgerVerification:
    """Walk every stored event once; `checkpoint` is the (position, hash) an auditor kept."""
    authorize(actor, Action.VERIFY)
    walk = Walk(app, checkpoint)
    head = head_position(app)
    failure = None
    for n in stored_events(app, stop=head):
        failure = walk.step(n)
        if failure:
            break
        if progress and walk.checked % 1000 == 0:
            progress(n.id, head)
    failure = failure or walk.finish()
    if progress:
        progress(head, head)
    return LedgerVerification(
        failure is None, walk.checked, failure, walk.position, walk.running, len(walk.heads)
    )
