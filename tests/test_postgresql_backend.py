"""core/fastpaths/postgresql (fast path `pg_health_check`): the per-request health check
sends no `SELECT 1` while a connection is quiet, still replaces a connection the server has
ended, and answers as Django's own check does in both cases."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import close_old_connections, connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection]:
    if connection.vendor != "postgresql":
        pytest.skip("the health check of core/fastpaths/postgresql is PostgreSQL's")
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        autocommit=True,
    ) as session:
        yield session


def _last_statement(session: psycopg.Connection, pid: int) -> str:
    return session.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def test_the_backend_is_this_projects_while_the_switch_is_on(
    other_session: psycopg.Connection, settings
) -> None:
    ours = settings.CRIER_FAST_PATHS["pg_health_check"]
    expected = "core.fastpaths.postgresql.base" if ours else django_postgresql.__name__
    assert type(connections["default"]).__module__ == expected


def _djangos_answer() -> bool:
    """Django's own check (a `SELECT 1`) on the same connection."""
    return django_postgresql.DatabaseWrapper.is_usable(connection)


def _end(other_session: psycopg.Connection, pid: int) -> None:
    other_session.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while other_session.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
        assert time.monotonic() < deadline, "the terminated backend did not exit"
        time.sleep(0.05)


def test_its_answer_is_djangos_on_a_quiet_and_on_an_ended_connection(
    other_session: psycopg.Connection,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.is_usable() is _djangos_answer() is True

    _end(other_session, connection.connection.info.backend_pid)

    assert connection.is_usable() is False
    assert _djangos_answer() is False
    connection.close()  # the next test's queries get a new connection


def test_a_quiet_connection_is_found_usable_without_a_statement_while_the_switch_is_on(
    other_session: psycopg.Connection, settings
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement before the check'")
    pid = connection.connection.info.backend_pid

    assert connection.is_usable()

    # Off, Django's own check runs: its SELECT 1 is the last statement.
    ours = settings.CRIER_FAST_PATHS["pg_health_check"]
    expected = "SELECT 'the last statement before the check'" if ours else "SELECT 1"
    assert _last_statement(other_session, pid) == expected


def test_a_connection_the_server_ended_is_replaced_at_the_next_request(
    other_session: psycopg.Connection,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ended = connection.connection.info.backend_pid
    _end(other_session, ended)

    assert not connection.is_usable()

    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended
