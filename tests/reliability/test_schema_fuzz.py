"""Schema fuzzing: schemathesis generates requests for every operation of /api/schema/,
sends them with a valid API key through the WSGI app, and checks each answer: never a 5xx,
and every documented response matches its schema.

Driven through schemathesis's Python API (its pytest loader does not run under pytest 9):
one hypothesis run per operation, every failure collected so one run names them all.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import AccountStatus
from tests.conftest import make_caller
from tests.factories import MemberFactory, SocialAccountFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

# CRIER_FUZZ_EXAMPLES raises it for a long hunt outside CI.
EXAMPLES_PER_OPERATION = int(os.environ.get("CRIER_FUZZ_EXAMPLES", "25"))
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app() -> Iterator[object]:
    # As Django's test client does: the WSGI handler must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def key_headers(monkeypatch) -> dict[str, str]:
    """An owner's key in a workspace with a connected account (so some requests go deep)."""
    workspace = WorkspaceFactory()
    SocialAccountFactory(workspace=workspace, status=AccountStatus.ACTIVE)
    caller = make_caller(MemberFactory(workspace=workspace))

    def offline(*args: object, **kwargs: object) -> None:
        raise socket.gaierror("no network in tests")

    # Webhook targets are resolved by the SSRF guard: no generated host reaches the network.
    guard_socket = SimpleNamespace(
        getaddrinfo=offline, gaierror=socket.gaierror, IPPROTO_TCP=socket.IPPROTO_TCP
    )
    monkeypatch.setattr("config.netguard.socket", guard_socket)
    return {"Authorization": f"Bearer-API {caller.secret}"}


def fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        print_blob=False,
    )
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_answers_without_5xx_and_as_documented(wsgi_app, key_headers):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    failures, tried = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1
        try:
            fuzz(operation, key_headers)
        except Exception as exc:  # every operation runs; each failure is reported below
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    assert tried >= 20, f"only {tried} operations in the schema"
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
