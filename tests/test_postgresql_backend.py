"""config/postgresql: the per-request health check sends no `SELECT 1` while a connection
is quiet, and still replaces a connection the server has ended."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import close_old_connections, connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection]:
    if connection.vendor != "postgresql":
        pytest.skip("the health check of config/postgresql is PostgreSQL's")
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


def test_the_backend_is_this_projects(other_session: psycopg.Connection) -> None:
    assert type(connections["default"]).__module__ == "config.postgresql.base"


def test_a_quiet_connection_is_found_usable_without_a_statement(
    other_session: psycopg.Connection,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement before the check'")
    pid = connection.connection.info.backend_pid

    assert connection.is_usable()

    assert _last_statement(other_session, pid) == "SELECT 'the last statement before the check'"


def test_a_connection_the_server_ended_is_replaced_at_the_next_request(
    other_session: psycopg.Connection,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ended = connection.connection.info.backend_pid
    other_session.execute("SELECT pg_terminate_backend(%s)", [ended])
    deadline = time.monotonic() + 10
    while other_session.execute(
        "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [ended]
    ).fetchone():
        assert time.monotonic() < deadline, "the terminated backend did not exit"
        time.sleep(0.05)

    assert not connection.is_usable()

    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended
