"""Schema fuzzing: schemathesis generates requests for every operation of /api/schema/,
sends them with a valid API key through the WSGI app, and checks each answer: never a 5xx,
and every documented response matches its schema (tests/reliability/fuzzing.py).

The dialects' operations only see a 401 from Crier's own header; each dialect's test fuzzes
them again with its own (tests/compat/).
"""

from __future__ import annotations

import pytest

from accounts.models import AccountStatus
from tests.conftest import make_caller
from tests.factories import MemberFactory, SocialAccountFactory, WorkspaceFactory
from tests.reliability.fuzzing import fuzz_operations, offline_netguard, wsgi_app

__all__ = ["offline_netguard", "wsgi_app"]  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_headers(offline_netguard) -> dict[str, str]:
    """An owner's key in a workspace with a connected account (so some requests go deep)."""
    workspace = WorkspaceFactory()
    SocialAccountFactory(workspace=workspace, status=AccountStatus.ACTIVE)
    caller = make_caller(MemberFactory(workspace=workspace))
    return {"Authorization": f"Bearer-API {caller.secret}"}


def test_every_operation_answers_without_5xx_and_as_documented(wsgi_app, key_headers):
    assert fuzz_operations(wsgi_app, headers=key_headers) >= 20
