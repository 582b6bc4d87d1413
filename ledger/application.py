"""The application service: the one place that loads, decides and saves budgets.

Every use case takes the calling `Actor`, checks `ledger.access`, loads the
budget, runs one command on it and saves. Writers of one budget queue
first-come-first-served inside the process (`ledger.ops.queueing`), so a save
loses an optimistic concurrency race (another writer saved the same budget
version first) only to another process; such a loss is retried on a fresh load
after a short jittered sleep, a bounded number of times, so concurrent spends are
never lost or doubled: the retry re-checks the rules (and finds its own spend,
if a retry after a lost reply already recorded it). A command starts from the
budget as this process last saved it, without reading the store
(`ledger.written`): a stale one cannot be saved, and what it refuses is decided again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar, overload
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Notification, Recording

from ledger import errors, sealed_text
from ledger.access import authorize, is_scoped, out_of_scope
from ledger.access_log import AccessLog
from ledger.aggregates.actor import Actor
from ledger.aggregates.budget import Budget
from ledger.aggregates.keyring import KeyRing
from ledger.aggregates.plan_state import OutcomeRatingIn
from ledger.aggregates.provider import ProviderIndex
from ledger.aggregates.reference import BudgetReference, reference_id
from ledger.aggregates.spending import SpendRequest
from ledger.aggregates.text import check_text
from ledger.idempotency import Once, Replayed, records
from ledger.key_use import KeyUse
from ledger.ops.group_commit import GroupCommit
from ledger.ops.metrics import CONTENTION_EXHAUSTED
from ledger.ops.pipelined_insert import pipelined_insert
from ledger.ops.queueing import KeyedQueue, back_off, queued_by_budget
from ledger.sealed_text import Sealer
from ledger.settings import DEFAULT_MAX_ATTEMPTS, Settings
from ledger.snapshots import take_due_snapshots
from ledger.store import persistence_env, register_ledger_transcodings
from ledger.text_keys import TextKeys
from ledger.written import WrittenBudgets

T = TypeVar("T")
#: the default retry bound (`Settings.max_attempts`), for callers without a ledger at hand
MAX_ATTEMPTS = DEFAULT_MAX_ATTEMPTS


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A command's answer: the budget as saved, what it created, and its log position."""

    budget: Budget
    result: T
    position: int | None  # notification id of the last event written, None if none


class Ledger(Application[UUID]):
    name = "ledger"
    snapshotting_intervals = {Budget: 100, KeyRing: 50, ProviderIndex: 100}

    def __init__(
        self, env: dict[str, str] | None = None, url: str | None = None, settings: Settings | None = None
    ) -> None:
        """The ledger on `url`, else `env`'s LEDGER_DATABASE_URL, else `settings` (else the environment's).

        The projection runners build it with only `env` (the library's way), so the URL
        in `env` must win over the process environment.
        """
        settings = settings or Settings()
        self.url = url or (env or {}).get("LEDGER_DATABASE_URL") or settings.url
        self.max_attempts = settings.max_attempts
        cache = {"AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_maxsize)}
        if not settings.aggregate_cache_maxsize:
            cache = {}
        super().__init__(env={**persistence_env(self.url, settings.connect_timeout), **cache, **(env or {})})
        self.writers = KeyedQueue()  # one budget's writers queue here (ledger.ops.queueing)
        self.written = WrittenBudgets(settings.aggregate_cache_maxsize)  # each command's starting point
        # concurrent saves share a commit, sent to PostgreSQL in one round trip (ledger.ops.pipelined_insert)
        self.group_commit = GroupCommit(pipelined_insert(self.recorder))
        # security (issue 14): every read of a budget is logged; opened lazily, closed before the store
        self.access_log = AccessLog(self.recorder.datastore)  # type: ignore[attr-defined]
        self.key_use = KeyUse(self.recorder.datastore)  # type: ignore[attr-defined]
        self.text_keys = TextKeys(self.recorder.datastore)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.access_log.close()
        self.key_use.close()
        super().close()

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshots spaced with the budget's size, taken from the budget just saved (`ledger.snapshots`)."""
        take_due_snapshots(self, processing_event)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """The library's `_record` (put the events, then cache the saved aggregates), with the
        insert made through group commit (`ledger.ops.group_commit`)."""
        for aggregate_id in processing_event.aggregates:  # a copy kept from before is outdated by this
            self.written.forget(aggregate_id)  # save (`change` keeps the budget again once saved)
        if processing_event.tracking is not None or processing_event.saved_kwargs:
            return super()._record(processing_event)  # a processing step: the library's own path
        events = processing_event.events
        stored = [self.mapper.to_stored_event(e) for e in events]
        ids = self.group_commit.insert(stored)
        recordings = [
            Recording(e, Notification(s.originator_id, s.originator_version, s.topic, s.state, id=n))
            for e, s, n in zip(events, stored, ids, strict=True)
        ] if ids else []  # fmt: skip
        if self.repository.cache and not self.repository.fastforward:
            for aggregate_id, aggregate in processing_event.aggregates.items():
                self.repository.cache.put(aggregate_id, aggregate)
        return recordings

    # --- loading ---------------------------------------------------------------
    def load(self, budget_id: UUID, version: int | None = None) -> Budget:
        try:
            budget: Any = self.repository.get(budget_id, version=version)
        except AggregateNotFoundError:
            raise errors.BudgetNotFound(f"no budget {budget_id}") from None
        if not isinstance(budget, Budget):
            raise errors.BudgetNotFound(f"no budget {budget_id}")
        return budget

    def read(self, actor: Actor, budget_id: UUID, action: str = "read") -> Budget:
        """The budget, if `actor` may `action` it.

        A broker or family asking for a budget that does not exist hears the same 403 as
        for one outside their scope, so ids cannot be probed for existence. The read is
        written to the access log (`ledger.access_log`) before the budget is handed over.
        """
        budget = self._authorised(actor, budget_id, action)
        self.access_log.record(actor, budget)
        return budget

    def _authorised(self, actor: Actor, budget_id: UUID, action: str, budget: Budget | None = None) -> Budget:
        """The budget (`budget` if given, else loaded), if `actor` may `action` it (a write's
        load: not logged as a read)."""
        authorize(actor, action)
        try:
            budget = budget or self.load(budget_id)
        except errors.BudgetNotFound:
            if is_scoped(actor):
                raise errors.Forbidden(out_of_scope(actor)) from None
            raise
        authorize(actor, action, budget)
        return budget

    def find_by_reference(self, reference: str) -> UUID | None:
        try:
            claim: Any = self.repository.get(reference_id(reference))
        except AggregateNotFoundError:
            return None
        return claim.budget_id  # type: ignore[no-any-return]

    # --- a family's free text (ledger.sealed_text) -------------------------------
    @overload
    def seal(self, budget: Budget, field: str, text: str, sealer: Sealer | None = None) -> str: ...
    @overload
    def seal(self, budget: Budget, field: str, text: None, sealer: Sealer | None = None) -> None: ...
    def seal(self, budget: Budget, field: str, text: str | None, sealer: Sealer | None = None) -> str | None:
        """`text` sealed with `budget`'s key, once the domain's safe-text check has passed on it.

        A caller sealing many texts of one budget passes its `sealer`, so the key is looked up once.
        """
        if text is None or not text.strip():
            return text  # the domain refuses blank text as before, or keeps the absent
        check_text(field, text)
        return (sealer or self.sealer(budget)).seal(text)

    def sealer(self, budget: Budget) -> Sealer:
        """`budget`'s live key, ready to seal with (made first if the budget has none)."""
        return Sealer(*self.text_keys.key_for(budget.id, budget.family_ref))

    def sealed_request(
        self, budget: Budget, request: SpendRequest, sealer: Sealer | None = None
    ) -> SpendRequest:
        return replace(
            request,
            description=self.seal(budget, "description", request.description, sealer),
            nights_override_reason=self.seal(
                budget, "nights_override_reason", request.nights_override_reason, sealer
            ),
        )

    def sealed_outcomes(self, budget: Budget, outcomes: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """A support plan's outcomes with each outcome's text sealed (the ids stay readable)."""
        return [(outcome_id, self.seal(budget, "text", text)) for outcome_id, text in outcomes]

    def sealed_ratings(
        self, budget: Budget, ratings: list[OutcomeRatingIn] | None
    ) -> list[OutcomeRatingIn] | None:
        """A review's ratings with each note sealed (the ratings stay readable)."""
        if ratings is None:
            return None
        return [replace(r, note=self.seal(budget, "note", r.note)) for r in ratings]

    def reveal(self, value: T) -> T:
        """`value` (an answer, a page's data) with each sealed text readable, or marked erased."""
        return sealed_text.reveal(value, self.text_keys.lookup)  # type: ignore[no-any-return]

    # --- writing -----------------------------------------------------------------
    def open_budget(self, actor: Actor, once: Once | None = None, **fields: Any) -> Outcome[UUID]:
        authorize(actor, "open")
        if once:
            once.check(self.repository)
        budget = Budget.open(actor, **fields)
        self.text_keys.key_for(budget.id, budget.family_ref)  # the family's key table knows every budget
        claim = BudgetReference(reference=budget.reference, budget_id=budget.id)
        try:
            recordings = self.save(budget, claim, *records(once, budget, budget.id))
        except IntegrityError:
            if once:  # a first try racing this one may have won with the same key
                once.check(self.repository)
            raise errors.ReferenceTaken(f"reference {budget.reference!r} is taken") from None
        return Outcome(budget, budget.id, recordings[-1].notification.id)

    @queued_by_budget
    def change(
        self,
        actor: Actor,
        action: str,
        budget_id: UUID,
        command: Callable[[Budget], T],
        once: Once | None = None,
    ) -> Outcome[T]:
        """Load, authorise, run `command`, save; retry on a lost concurrency race.

        The budget is a copy of the one this process saved last when it has one
        (`ledger.written`): a save from it that conflicts, or a refusal or no-op on it,
        is decided again on a budget loaded from the store, without counting an attempt.

        With `once` (a request's idempotency key) a repeated request is answered from
        its record (`ledger.idempotency`), and a first one saves the record with its events.
        """
        attempt, trust = 0, True  # trust: start from the budget as this process last saved it
        copied: int | None = None  # the version of a copy decided on, until a fresh load is compared with it
        while attempt < self.max_attempts:
            cached = self.written.copy(budget_id) if trust else None
            if cached is not None:
                copied = cached.version
            try:
                budget = self._authorised(actor, budget_id, action, cached)
                if cached is None and copied is not None:
                    if budget.version > copied:  # written elsewhere since: the copy was stale
                        self.written.stale(budget_id)
                    copied = None
                if once:
                    once.check(self.repository)
                result = command(budget)
            except (errors.LedgerError, Replayed):
                if cached is None:
                    raise
                trust = False  # refused on a copy that may be stale: decided again on a fresh load
                continue
            if not budget.pending_events:
                if cached is None:
                    return Outcome(budget, result, None)
                trust = False  # nothing saved proves nothing about the copy: decided again
                continue
            try:
                recordings = self.save(budget, *records(once, budget, result))
            except IntegrityError:
                if cached is None:  # a race lost to another process: counted, and backed off
                    back_off(attempt)
                    attempt += 1
                # else the copy may be stale: loaded afresh at once, uncounted (and compared, above)
                trust = False
                continue
            except BaseException:
                self.written.forget(budget_id)
                raise
            self.written.keep(budget)
            return Outcome(budget, result, recordings[-1].notification.id)
        CONTENTION_EXHAUSTED.inc()
        raise errors.ConcurrentUpdate(f"budget {budget_id} kept changing; try again")

    @staticmethod
    def spend_id(budget_id: UUID, idempotency_key: str | None) -> str:
        """A spend's id: derived from the caller's idempotency key, else fresh."""
        if idempotency_key is None:
            return str(uuid4())
        return str(uuid5(budget_id, idempotency_key))
