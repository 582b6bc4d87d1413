"""The `eventsourcing` library's own reusable test cases, run on our views and our polling bridge.

- every read model's SQLite and PostgreSQL view passes `TrackingRecorderTestCase`;
- `PollingSQLiteApplicationRecorder` passes `ApplicationRecorderTestCase`, and its
  optional subscription test;
- `AggregateEventCountersProjectionTestCase` runs the library's `ProjectionRunner`
  over an event-counters view built on our `ReadView` machinery, on SQLite through
  the polling bridge and on PostgreSQL.

PostgreSQL cases work in a schema of their own, dropped afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests import persistence as library
from eventsourcing.tests import projection as library_projection
from eventsourcing.utils import get_topic
from sqlalchemy import BigInteger, Column, MetaData, Table, Text, bindparam, func, insert, select
from sqlalchemy.sql.expression import Executable

from ledger.projections.balances import PostgresBalancesView, SQLiteBalancesView
from ledger.projections.monitoring import PostgresMonitoringView, SQLiteMonitoringView
from ledger.projections.polling import PollingSQLiteApplicationRecorder
from ledger.projections.portfolio import PostgresPortfolioView, SQLitePortfolioView
from ledger.projections.spending import PostgresSpendingView, SQLiteSpendingView
from ledger.projections.view import PostgresReadView, ReadView, SQLiteReadView
from ledger.store import persistence_env
from tests.conftest import PG_URL, _pg_or_fail

# the library's cases are reached through their modules: imported by name, pytest would collect them too
TrackingRecorderTestCase = library.TrackingRecorderTestCase
ApplicationRecorderTestCase = library.ApplicationRecorderTestCase
EventCountersView = library_projection.EventCountersView


# --- places to put things --------------------------------------------------------------
class InTemporaryDirectory:
    def setUp(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="ledger-library-cases-")
        self.datastores: list[Any] = []
        self.threads_before = set(threading.enumerate())

    def tearDown(self) -> None:
        # The library's concurrency tests signal their reader threads to stop but do not
        # join them; closing the connections under a reader still inside sqlite3 crashed
        # the interpreter. Let them finish first.
        for thread in set(threading.enumerate()) - self.threads_before:
            thread.join(timeout=10)
        for datastore in self.datastores:
            datastore.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def new_sqlite(self) -> SQLiteDatastore:
        # a pool as large as the library's own SQLite tests use for its concurrency tests
        datastore = SQLiteDatastore(db_name=f"{self.directory}/{uuid.uuid4().hex}.db", pool_size=100)
        self.datastores.append(datastore)
        return datastore


class InThrowawaySchema:
    def setUp(self) -> None:
        _pg_or_fail()
        self.schema = f"lib_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.schema}")
        sep = "&" if "?" in PG_URL else "?"
        self.pg_env = persistence_env(f"{PG_URL}{sep}schema={self.schema}")
        self.datastores: list[Any] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def new_postgres(self) -> PostgresDatastore:
        env = self.pg_env
        datastore = PostgresDatastore(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            schema=self.schema,
            pool_size=1,
        )
        self.datastores.append(datastore)
        return datastore


# --- every view is a tracking recorder ------------------------------------------------
class SQLiteView(InTemporaryDirectory):
    view_class: ClassVar[type[SQLiteReadView]]

    def create_recorder(self) -> Any:
        view = self.view_class(self.new_sqlite())
        view.create_table()
        return view


class PostgresView(InThrowawaySchema):
    view_class: ClassVar[type[PostgresReadView]]

    def create_recorder(self) -> Any:
        view = self.view_class(self.new_postgres(), tracking_table_name=f"v{uuid.uuid4().hex[:8]}_tracking")
        view.create_table()
        return view


class TestSQLiteBalancesView(SQLiteView, TrackingRecorderTestCase):
    view_class = SQLiteBalancesView


class TestSQLiteSpendingView(SQLiteView, TrackingRecorderTestCase):
    view_class = SQLiteSpendingView


class TestSQLiteMonitoringView(SQLiteView, TrackingRecorderTestCase):
    view_class = SQLiteMonitoringView


class TestSQLitePortfolioView(SQLiteView, TrackingRecorderTestCase):
    view_class = SQLitePortfolioView


class TestPostgresBalancesView(PostgresView, TrackingRecorderTestCase):
    view_class = PostgresBalancesView


class TestPostgresSpendingView(PostgresView, TrackingRecorderTestCase):
    view_class = PostgresSpendingView


class TestPostgresMonitoringView(PostgresView, TrackingRecorderTestCase):
    view_class = PostgresMonitoringView


class TestPostgresPortfolioView(PostgresView, TrackingRecorderTestCase):
    view_class = PostgresPortfolioView


# --- the polling bridge is an application recorder with subscriptions -------------------
class TestPollingSQLiteApplicationRecorder(
    InTemporaryDirectory, ApplicationRecorderTestCase[PollingSQLiteApplicationRecorder]
):
    def create_recorder(self) -> PollingSQLiteApplicationRecorder:
        recorder = PollingSQLiteApplicationRecorder(self.new_sqlite())
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


# --- the library's projection runner over an event-counters view of ours ---------------
class EventCounters(ReadView):
    """Counts events by appending one row per counted event (no upsert needed on either store)."""

    def declare(self, metadata: MetaData, prefix: str) -> None:
        self.counted = Table(
            f"{prefix}counted",
            metadata,
            Column("notification_id", BigInteger, primary_key=True),
            Column("name", Text, nullable=False),
        )

    def statements(self) -> Mapping[str, Executable]:
        return {"count": insert(self.counted).values(notification_id=bindparam("id"), name=bindparam("name"))}

    def _count(self, name: str) -> int:
        query = select(func.count().label("n")).where(self.counted.c.name == name)
        return int(self.select(query)[0]["n"])

    def get_created_event_counter(self) -> int:
        return self._count("created")

    def get_subsequent_event_counter(self) -> int:
        return self._count("subsequent")

    def incr_created_event_counter(self, tracking: Tracking) -> None:
        self.apply([("count", {"id": tracking.notification_id, "name": "created"})], tracking)

    def incr_subsequent_event_counter(self, tracking: Tracking) -> None:
        self.apply([("count", {"id": tracking.notification_id, "name": "subsequent"})], tracking)


class SQLiteEventCountersView(EventCounters, SQLiteReadView, EventCountersView):
    pass


class PostgresEventCountersView(EventCounters, PostgresReadView, EventCountersView):
    pass


class TestEventCountersProjectionOnSQLiteThroughThePollingBridge(
    InTemporaryDirectory, library_projection.AggregateEventCountersProjectionTestCase
):
    view_class = SQLiteEventCountersView

    def setUp(self) -> None:
        super().setUp()
        self.env = {  # type: ignore[misc]  # per test: the library reads it from the instance
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "APPLICATION_RECORDER_TOPIC": get_topic(PollingSQLiteApplicationRecorder),
            "SQLITE_DBNAME": f"{self.directory}/events.db",
            "EVENTCOUNTERS_SQLITE_DBNAME": f"{self.directory}/counters.db",
        }


class TestEventCountersProjectionOnPostgres(
    InThrowawaySchema, library_projection.AggregateEventCountersProjectionTestCase
):
    view_class = PostgresEventCountersView

    def setUp(self) -> None:
        super().setUp()
        self.env = {**self.pg_env, "POSTGRES_POOL_SIZE": "1"}  # type: ignore[misc]
