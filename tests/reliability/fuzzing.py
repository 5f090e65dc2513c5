"""Schema fuzzing shared by the native API's test and each dialect's: schemathesis generates
requests for the operations of /api/schema/ that a filter picks, sends them with the given
key header through the WSGI app, and checks each answer: never a 5xx, and every documented
response (the dialects' error envelopes too) matches its schema.

Driven through schemathesis's Python API (its pytest loader does not run under pytest 9):
one hypothesis run per operation, every failure collected so one run names them all. Each
example runs in a savepoint rolled back after it, so every request meets the fixtures'
data as they were (a generated DELETE does not take the post group from the next one).
`known` lets requests go deep: a path, query or body value named there is, in some
examples, one of the fixtures' ids instead of a generated string.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

# CRIER_FUZZ_EXAMPLES raises it for a long hunt outside CI, and a hunt draws at random;
# otherwise the sample is fixed (derandomized), so `make test` gives the same verdict on the
# same commit, never one that depends on the luck of a draw.
FIXED_SAMPLE = 25
EXAMPLES_PER_OPERATION = int(os.environ.get("CRIER_FUZZ_EXAMPLES", str(FIXED_SAMPLE)))
HUNTING = "CRIER_FUZZ_EXAMPLES" in os.environ
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]

Operation = Any  # schemathesis's APIOperation
Known = Mapping[str, Sequence[str]]


def hunt_time_limit(configured: float) -> float | None:
    """A hunt's time limit per test: pytest-timeout's, set for the fixed sample, in proportion
    to the examples asked for (None outside a hunt, or with no limit). Left at 300 s, its
    alarm went off inside whichever example was running at that moment, and Hypothesis
    reported a flaky failure of that operation (tests/conftest.py applies this)."""
    if not HUNTING or not configured:
        return None
    return configured * max(1.0, EXAMPLES_PER_OPERATION / FIXED_SAMPLE)


@pytest.fixture
def wsgi_app() -> object:
    return get_wsgi_application()


@contextmanager
def keeping_test_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI handler must not close the test's connection
    (held here rather than by a fixture, which a test client used after it would undo)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def offline_netguard(monkeypatch) -> None:
    """Generated webhook and media hosts are resolved by the SSRF guard: none reaches the
    network."""

    def offline(*args: object, **kwargs: object) -> None:
        raise socket.gaierror("no network in tests")

    guard_socket = SimpleNamespace(
        getaddrinfo=offline, gaierror=socket.gaierror, IPPROTO_TCP=socket.IPPROTO_TCP
    )
    monkeypatch.setattr("core.netguard.socket", guard_socket)


def tagged(tag: str) -> Callable[[Operation], bool]:
    """An operation filter: the operations carrying this OpenAPI tag."""
    return lambda operation: tag in (operation.definition.raw.get("tags") or [])


def fuzz_operations(
    app: object,
    *,
    headers: Mapping[str, str] | Sequence[Mapping[str, str]],
    include: Callable[[Operation], bool] = lambda operation: True,
    known: Known | None = None,
    negative: bool = False,
    examples: int = EXAMPLES_PER_OPERATION,
) -> int:
    """Fuzz every included operation; fail naming each operation that failed. `headers` is
    the key header, or several alternatives (one drawn per example); `negative` adds
    schema-violating requests to the valid ones. Returns how many operations were fuzzed."""
    alternatives = [headers] if isinstance(headers, Mapping) else list(headers)
    failures, tried = {}, 0
    with keeping_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
        for result in schema.get_all_operations():
            operation = result.ok()
            if not include(operation):
                continue
            tried += 1
            try:
                fuzz(operation, alternatives, known or {}, negative=negative, examples=examples)
            except Exception as exc:  # every operation runs; each failure is reported below
                failures[operation.label] = describe(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    return tried


def describe(exc: BaseException) -> str:
    """The failure and what it groups (Hypothesis's FlakyFailure holds the real one; one that
    is not an Exception, such as pytest-timeout's Failed, is the cause of a blank wrapper)."""
    while not str(exc) and exc.__cause__ is not None:
        exc = exc.__cause__
    text = f"{type(exc).__name__}: {exc}"
    for inner in getattr(exc, "exceptions", ()):
        text += "\n" + "\n".join(f"  {line}" for line in describe(inner).splitlines())
    return text


def fuzz(
    operation: Operation,
    headers: Sequence[Mapping[str, str]],
    known: Known,
    *,
    negative: bool = False,
    examples: int = EXAMPLES_PER_OPERATION,
) -> None:
    cases = operation.as_strategy()
    if negative:
        # Not the negative cases that drop the key header: those only meet the 401.
        invalid = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE).filter(
            lambda case: not operation.schema.is_security_param_negated(case)
        )
        cases = st.one_of(cases, invalid)

    @given(case=cases, data=st.data())
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        print_blob=False,
        derandomize=not HUNTING,
    )
    def run(case, data) -> None:
        use_known(case, known, data)
        chosen = data.draw(st.sampled_from(headers), label="headers")
        # The key goes in the chosen header only: a generated value in another of the
        # alternatives' headers (the scheme's) would be read first.
        keys = {name.lower() for alternative in headers for name in alternative}
        if case.headers:
            case.headers = {k: v for k, v in case.headers.items() if k.lower() not in keys}
        with transaction.atomic():
            try:
                case.call_and_validate(headers=dict(chosen), checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    run()


def use_known(case: Any, known: Known, data: st.DataObject) -> None:
    """Replace, in some examples, the generated values `known` names by the fixtures'."""
    if not known:
        return
    # New containers, never edits: a generated value may be shared with later examples
    # (Hypothesis then sees generation depend on external state).
    if isinstance(case.path_parameters, dict):
        case.path_parameters = {
            name: _swap(name, value, known, data) for name, value in case.path_parameters.items()
        }
    if isinstance(case.query, dict):
        case.query = {name: _swap(name, value, known, data) for name, value in case.query.items()}
    if isinstance(case.body, dict | list):
        case.body = _walk(case.body, "", known, data)


def _walk(value: Any, parent: str, known: Known, data: st.DataObject) -> Any:
    if isinstance(value, list):
        return [_walk(item, parent, known, data) for item in value]
    if isinstance(value, dict):
        return {
            key: _swap(f"{parent}.{key}" if parent else key, item, known, data, short=key)
            for key, item in value.items()
        }
    return value


def _swap(
    name: str, value: Any, known: Known, data: st.DataObject, *, short: str | None = None
) -> Any:
    """A body key matches as `parent.key` or `key`; strings and lists of strings swap."""
    values = known.get(name) or known.get(short or name)
    if not values:
        return _walk(value, short or name, known, data)
    if isinstance(value, str) and _chosen(data, name):
        return data.draw(st.sampled_from(list(values)), label=name)
    if (
        isinstance(value, list)
        and all(isinstance(item, str) for item in value)
        and _chosen(data, name)
    ):
        return data.draw(st.lists(st.sampled_from(list(values)), min_size=1, max_size=3))
    return _walk(value, short or name, known, data)


def _chosen(data: st.DataObject, name: str) -> bool:
    """Three examples in four take the known value: a request needs several to go deep."""
    return data.draw(st.integers(0, 3), label=f"known {name}?") > 0
