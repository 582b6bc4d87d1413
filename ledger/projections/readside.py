"""The read side: runs every projection, answers which is where, and rebuilds them.

Each live read model has one `ProjectionRunner` of the library (PostgreSQL via
LISTEN/NOTIFY, SQLite via the polling bridge). A supervisor thread restarts a
runner that stopped with an error (it resumes from its tracking position) and
follows the generation pointer, so a rebuild in another process is picked up
without restarting the API.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.projection import ProjectionRunner
from eventsourcing.utils import Environment

from ledger.projections.generations import Generations
from ledger.projections.registry import READ_MODELS, ReadModel, generation_name, view_env
from ledger.projections.view import ReadView
from ledger.use_cases import LedgerService

log = logging.getLogger(__name__)
SUPERVISE_SECONDS = 1.0


def catch_up(
    app: LedgerService,
    projection: Any,
    progress: Callable[[int, int], None] | None,
    head: Callable[[], int],
    batch: int = 500,
) -> None:
    """Apply the backlog in batches: one transaction (all writes, last tracking) per batch.

    The same writes and the same exactly-once rule as the runner, only fewer commits;
    the library's runner takes over from the tracked position for the live tail.
    """
    view, start, target = projection.view, projection.view.position(), head()
    while start < target:
        notifications = app.recorder.select_notifications(start=start, limit=batch, inclusive_of_start=False)
        if not notifications:
            break
        writes = []
        for notification in notifications:
            tracking = Tracking(app.name, notification.id)
            writes += projection.writes(app.mapper.to_domain_event(notification), tracking)
        start = notifications[-1].id
        view.apply(writes, Tracking(app.name, start))
        if progress:
            progress(start, target)


class ReadSide:
    def __init__(self, url: str, names: Iterable[str] | None = None) -> None:
        self.url = url
        self.models: list[ReadModel] = [READ_MODELS[n] for n in (names or READ_MODELS)]
        self.generations = Generations(url)
        self._views: dict[tuple[str, int], ReadView] = {}
        self._runners: dict[str, tuple[int, ProjectionRunner[Any, Any]]] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None

    # --- reading -------------------------------------------------------------------
    def view(self, name: str, generation: int | None = None) -> Any:
        model = READ_MODELS[name]
        generation = generation or self.generations.live(name)
        with self._lock:
            key = (name, generation)
            if key not in self._views:
                env = Environment(generation_name(name, generation), view_env(self.url, name, generation))
                factory = InfrastructureFactory[Any].construct(env=env)
                self._views[key] = factory.tracking_recorder(model.view_class(self.url))
            return self._views[key]

    def position(self, name: str) -> int:
        return int(self.view(name).position())

    # --- running -------------------------------------------------------------------
    def start(self) -> None:
        self._ensure_runners()
        self._supervisor = threading.Thread(target=self._supervise, name="readside", daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stop.wait(SUPERVISE_SECONDS):
            try:
                self._ensure_runners()
            except Exception:  # a down database must not kill the supervisor
                log.exception("read side supervision failed; retrying")

    def _ensure_runners(self) -> None:
        with self._lock:
            for model in self.models:
                generation = self.generations.live(model.name)
                current = self._runners.get(model.name)
                if current and current[0] == generation and not current[1].is_interrupted.is_set():
                    continue
                if current:
                    self._close_runner(model.name)
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

    def _close_runner(self, name: str) -> None:
        _, runner = self._runners.pop(name)
        try:
            runner.__exit__(None, None, None)
        except Exception:
            log.exception("projection %s stopped with an error; it will resume from its tracking", name)

    def stop(self) -> None:
        self._stop.set()
        if self._supervisor:
            self._supervisor.join()
        with self._lock:
            for name in list(self._runners):
                self._close_runner(name)

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
        return [
            {
                "name": m.name,
                "generation": self.generations.live(m.name),
                "position": self.position(m.name),
                "head": head,
                "lag": max(0, head - self.position(m.name)),
            }
            for m in self.models
        ]

    def rebuild(
        self, name: str, head: Callable[[], int], progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Fill a new generation from zero, then make it live; returns the new generation."""
        model = READ_MODELS[name]
        generation = self.generations.live(name) + 1
        view = self.view(name, generation)
        catch_up(LedgerService(url=self.url), model.projection_class(generation)(view), progress, head)
        with self.runner(model, generation) as runner:
            while True:
                target, done = head(), view.position()
                if progress:
                    progress(done, target)
                if done >= target:
                    break
                runner.run_forever(timeout=0.2)
            self.generations.switch(name, generation)
        return generation
