"""The read side: runs every projection, answers which is where, and rebuilds them.

Each live read model has one `ProjectionRunner` of the library (PostgreSQL via
LISTEN/NOTIFY, SQLite via the polling bridge). A supervisor thread restarts a
runner that stopped with an error (it resumes from its tracking position) and
follows the generation pointer, so a rebuild in another process is picked up
without restarting the API. Queries use the running projection's own view, so a
process holds one small connection pool per read model, not several.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.projection import ProjectionRunner
from eventsourcing.utils import Environment

from ledger.ops.outage import StoreWatch
from ledger.projections.generations import Generations
from ledger.projections.registry import READ_MODELS, ReadModel, generation_name, view_env
from ledger.projections.view import Overtaken
from ledger.use_cases import LedgerService

log = logging.getLogger(__name__)
SUPERVISE_SECONDS = 1.0
#: how long a restarted runner's old view stays open for the queries already holding it
RETIRE_SECONDS = 30.0
Progress = Callable[[int, int], None]


#: notifications per catch-up transaction: fewer commits, and statements of hundreds of rows
CATCH_UP_BATCH = 1000


def catch_up(
    app: LedgerService,
    projections: Any | Sequence[Any],
    head: Callable[[], int],
    progress: Progress | None = None,
    batch: int | None = None,
) -> None:
    """Apply the backlog in batches: per projection, one transaction (all writes, last tracking) per batch.

    The same writes and the same exactly-once rule as the runner, only fewer commits.
    Each notification is decoded once and handed to every projection (a rebuild of
    all the read models reads and decodes the log once); each skips what its own
    tracking says it has applied. The library's runner takes over for the live tail.
    Each view that applied anything then refreshes its tables' statistics (`analyze`):
    a bulk load is what leaves them furthest from the tables.
    """
    batch = batch or CATCH_UP_BATCH
    chosen = list(projections) if isinstance(projections, Sequence) else [projections]
    done = {id(p): p.view.position() for p in chosen}
    before = dict(done)
    start, target = min(done.values(), default=0), head()
    while start < target:
        notifications = app.recorder.select_notifications(start=start, limit=batch, inclusive_of_start=False)
        if not notifications:
            break
        events = [(n.id, app.mapper.to_domain_event(n)) for n in notifications]
        start = notifications[-1].id
        for projection in chosen:
            done[id(projection)] = _apply_batch(app.name, projection, events, done[id(projection)])
        if progress:
            progress(start, target)
    for projection in chosen:
        if done[id(projection)] > before[id(projection)]:
            projection.view.analyze()


def _apply_batch(name: str, projection: Any, events: list[tuple[int, Any]], done: int) -> int:
    """Apply the batch's events after `done` in one transaction; the view's position after it.

    If a live runner on the same tables (new servers starting while `ledger migrate`
    runs) applied part of the batch meanwhile, the view refuses it (`Overtaken`) and
    only what lies beyond the runner's position is applied: never an event twice.
    """
    end = events[-1][0]
    while end > done:
        writes = []
        for position, event in events:
            if position > done:
                writes += projection.writes(event, Tracking(name, position))
        try:
            projection.view.apply(writes, Tracking(name, end), after=done)
        except Overtaken as overtaken:
            done = overtaken.position
        else:
            done = end
    return done


class ReadSide:
    def __init__(self, url: str, names: Iterable[str] | None = None) -> None:
        self.url = url
        self.models: list[ReadModel] = [READ_MODELS[n] for n in (names or READ_MODELS)]
        self.generations = Generations(url)
        self.watch = StoreWatch("read side", log)  # one line on losing the store, one on regaining it
        self._live: dict[str, int] = {}
        self._views: dict[tuple[str, int], Any] = {}  # views opened for reading, not running
        self._retired: list[tuple[float, Any]] = []  # (close after, datastore) of replaced views
        self._runners: dict[str, tuple[int, ProjectionRunner[Any, Any]]] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._refresh(runners=False)

    # --- reading -------------------------------------------------------------------
    def live(self, name: str) -> int:
        return self._live.get(name, 1)

    def view(self, name: str, generation: int | None = None) -> Any:
        """The view of `name` (its live generation unless told), for queries."""
        generation = generation or self.live(name)
        with self._lock:
            running = self._runners.get(name)
            if running and running[0] == generation:
                return running[1].view
            key = (name, generation)
            if key not in self._views:
                self._views[key] = self._open_view(READ_MODELS[name], generation)
            return self._views[key]

    def _open_view(self, model: ReadModel, generation: int) -> Any:
        name = generation_name(model.name, generation)
        factory = InfrastructureFactory[Any].construct(
            env=Environment(name, view_env(self.url, model.name, generation))
        )
        return factory.tracking_recorder(model.view_class(self.url))

    def pools(self) -> list[tuple[str, Any]]:
        """(name, owner of a pool) for each running read model: its view and its upstream reader."""
        with self._lock:
            running = list(self._runners.items())
        return [
            (f"{n}-{part}", o) for n, (_, r) in running for part, o in (("view", r.view), ("reader", r.app))
        ]

    def position(self, name: str) -> int:
        return int(self.view(name).position())

    # --- running -------------------------------------------------------------------
    def _refresh(self, runners: bool = True) -> None:
        """Follow the generation pointer and restart stopped runners; a store that is away is retried."""
        try:
            self._live = self.generations.all_live()
            if runners:
                self._ensure_runners()
            self._close_retired()
        except Exception as e:
            self.watch.failed(e)
        else:
            self.watch.ok()

    def start(self) -> None:
        self._refresh()
        self._supervisor = threading.Thread(target=self._supervise, name="readside", daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stop.wait(SUPERVISE_SECONDS):
            self._refresh()  # a database that is down must not kill the supervisor

    def _ensure_runners(self) -> None:
        with self._lock:
            for model in self.models:
                generation = self.live(model.name)
                current = self._runners.get(model.name)
                if current and current[0] == generation and not current[1].is_interrupted.is_set():
                    continue
                if current:
                    self._close_runner(model.name, later=True)
                # the runner's own view serves queries now; a newer generation being rebuilt keeps its view
                self._close_views(model.name, up_to=generation, later=True)
                runner = self.runner(model, generation)
                runner.__enter__()
                self._runners[model.name] = (generation, runner)

    def runner(self, model: ReadModel, generation: int) -> ProjectionRunner[Any, Any]:
        return ProjectionRunner(
            application_class=LedgerService,
            projection_class=model.projection_class(generation),
            view_class=model.view_class(self.url),
            env=view_env(self.url, model.name, generation),
        )

    def _close_runner(self, name: str, later: bool = False) -> None:
        _, runner = self._runners.pop(name)
        try:
            runner.__exit__(None, None, None)
        except Exception as e:  # it resumes from its tracking when restarted
            self.watch.failed(e)
        finally:
            self._close_datastore(runner.view.datastore, later)

    def _close_views(self, name: str | None = None, up_to: int | None = None, later: bool = False) -> None:
        for key in [
            k for k in self._views if (name is None or k[0] == name) and (up_to is None or k[1] <= up_to)
        ]:
            self._close_datastore(self._views.pop(key).datastore, later)

    def _close_datastore(self, datastore: Any, later: bool) -> None:
        """Close a view's datastore now, or `later` (`RETIRE_SECONDS` on), once queries that were
        handed the view before a runner restarted have finished with it: closing it at once
        failed such a query with `ConnectionPoolClosedError`."""
        if later:
            self._retired.append((time.monotonic() + RETIRE_SECONDS, datastore))
        else:
            datastore.close()

    def _close_retired(self, every: bool = False) -> None:
        """Close the retired views' datastores that are due (`every`: all of them)."""
        now = time.monotonic()
        with self._lock:
            due = [entry for entry in self._retired if every or entry[0] <= now]
            for entry in due:
                self._retired.remove(entry)
                entry[1].close()

    def stop(self) -> None:
        self._stop.set()
        if self._supervisor:
            self._supervisor.join()
        with self._lock:
            for name in list(self._runners):
                self._close_runner(name)
            self._close_views()
        self._close_retired(every=True)

    def wait(self, position: int | None, timeout: float = 10.0) -> None:
        """Block until every read model has applied the event at `position`."""
        if position is None:
            return
        deadline = time.monotonic() + timeout
        for model in self.models:
            while self.position(model.name) < position:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{model.name} has not reached {position}")
                time.sleep(0.01)

    # --- status and rebuild ------------------------------------------------------
    def status(self, head: int) -> list[dict[str, Any]]:
        rows = []
        for model in self.models:
            position = self.position(model.name)
            rows.append(
                {
                    "name": model.name,
                    "generation": self.live(model.name),
                    "position": position,
                    "head": head,
                    "lag": max(0, head - position),
                }
            )
        return rows

    def rebuild(self, name: str, head: Callable[[], int], progress: Progress | None = None) -> int:
        """Fill a new generation of `name` from zero, then make it live; returns the new generation.

        Readers keep the old generation until the switch. The old tables stay (a
        rebuild that went wrong can be switched back); drop them by hand when done.
        """
        return self.rebuild_many([name], head, progress)[name]

    def rebuild_many(
        self, names: Sequence[str], head: Callable[[], int], progress: Progress | None = None
    ) -> dict[str, int]:
        """Rebuild several read models in one pass over the log (each event read and decoded once).

        Each switches live once it has caught up; returns each one's new generation.
        """
        generations = {name: self.generations.live(name) + 1 for name in names}
        app = LedgerService(url=self.url)
        try:
            projections = [
                READ_MODELS[name].projection_class(generation)(view=self.view(name, generation))
                for name, generation in generations.items()
            ]
            catch_up(app, projections, head, progress)
            for name, generation in generations.items():
                runner = self.runner(READ_MODELS[name], generation)
                with runner:
                    while runner.view.position() < head():
                        runner.run_forever(timeout=0.2)
                runner.view.datastore.close()
                self.generations.switch(name, generation)
                self._live[name] = generation
        finally:
            app.close()
        return generations
