"""Shared fixtures: workspace A (owner, editor, viewer) and an outsider in workspace B."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Member, Role, SocialAccount, Workspace
from accounts.services import api_key_issue
from config.celery import app as celery_app
from tests.factories import MemberFactory, SocialAccountFactory, WorkspaceFactory
from tests.wordpress_server import Sites, sites, unavailable


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fuzz tests (those using the fuzz helper's `wsgi_app`) hunting with CRIER_FUZZ_EXAMPLES
    get a time limit in proportion to their examples (tests/reliability/fuzzing.py)."""
    fuzzers = [item for item in items if "wsgi_app" in getattr(item, "fixturenames", ())]
    if not fuzzers:
        return
    from tests.reliability.fuzzing import hunt_time_limit

    limit = hunt_time_limit(float(config.getoption("timeout") or config.getini("timeout") or 0))
    if limit is not None:
        for item in fuzzers:
            item.add_marker(pytest.mark.timeout(limit))


# Tests that drive one live stack each test process starts once (tests/clients/conftest.py).
LIVE_STACK_TESTS = "tests/clients/"


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`-n`'s default distribution, test by test, except that the live-stack tests go to one
    worker together, which starts the stack once. (xdist 3.8's `xdist_group` marks do not
    reach pytest 9.2's node ids, so `--dist loadgroup` cannot do it.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneLiveStack(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return LIVE_STACK_TESTS if nodeid.startswith(LIVE_STACK_TESTS) else nodeid

    return OneLiveStack(config, log)


@pytest.fixture(autouse=True)
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test in which a request ended in a 500: bad input must never be one.

    ApiErrorMiddleware turns an unhandled exception into a JSON 500 without raising it in
    the test client, but Django still logs every 5xx on `django.request`. A 503 is an
    answer (readiness, an unreachable dependency), not a crash, so it is let through.
    """
    yield
    server_errors = [
        record
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.name == "django.request"
        and record.levelno >= logging.ERROR
        and getattr(record, "status_code", 500) != 503
    ]
    assert not server_errors, [record.getMessage() for record in server_errors]


@pytest.fixture(scope="session")
def wordpress() -> Iterator[Sites]:
    """Two real WordPress sites for the session (tests/wordpress_server.py), shared by the
    connector's real-server tests and its contract test."""
    from tests.real_servers import cannot_start  # it imports this module's Caller

    reason = unavailable()
    if reason:
        cannot_start("WordPress", reason)
    with sites() as started:
        yield started


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery tasks run inside `.delay()`, and their exceptions reach the test."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def private_urls_allowed(settings) -> None:
    """CRIER_ALLOW_PRIVATE_URLS: the test's stand-in hosts (servers, simulators) are on
    loopback, which the egress guard otherwise refuses."""
    settings.CRIER_ALLOW_PRIVATE_URLS = True


@dataclass
class Caller:
    """A member with a live API key and a client that sends it."""

    member: Member
    secret: str
    client: APIClient

    @property
    def workspace(self) -> Workspace:
        return self.member.workspace


def make_caller(member: Member, scopes: list[str] | None = None) -> Caller:
    issued = api_key_issue(workspace=member.workspace, name="test", scopes=scopes, member=member)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {issued.secret}")
    return Caller(member=member, secret=issued.secret, client=client)


@pytest.fixture
def workspace(db) -> Workspace:
    return WorkspaceFactory(name="Workspace A")


@pytest.fixture
def owner(workspace) -> Caller:
    return make_caller(MemberFactory(workspace=workspace, role=Role.OWNER))


@pytest.fixture
def editor(workspace) -> Caller:
    return make_caller(MemberFactory(workspace=workspace, role=Role.EDITOR))


@pytest.fixture
def viewer(workspace) -> Caller:
    return make_caller(MemberFactory(workspace=workspace, role=Role.VIEWER))


@pytest.fixture
def outsider(db) -> Caller:
    return make_caller(MemberFactory(workspace=WorkspaceFactory(name="Workspace B")))


@pytest.fixture
def account(workspace) -> SocialAccount:
    return SocialAccountFactory(workspace=workspace)


@pytest.fixture
def outsider_account(outsider) -> SocialAccount:
    return SocialAccountFactory(workspace=outsider.workspace)
