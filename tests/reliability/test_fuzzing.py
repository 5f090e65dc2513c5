"""The fuzz helper itself: how long a hunt may run, and what a failure report names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis.errors import FlakyFailure

from tests.conftest import pytest_collection_modifyitems
from tests.reliability import fuzzing


class Item(SimpleNamespace):
    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker.mark)


def collect(monkeypatch, *, hunting: bool, examples: int, timeout: str = "300") -> list[Item]:
    monkeypatch.setattr(fuzzing, "HUNTING", hunting)
    monkeypatch.setattr(fuzzing, "EXAMPLES_PER_OPERATION", examples)
    config = SimpleNamespace(getoption=lambda name: None, getini=lambda name: timeout)
    items = [Item(fixturenames=fixtures, markers=[]) for fixtures in (["wsgi_app"], ["db"])]
    pytest_collection_modifyitems(config, items)
    return items


def test_a_hunt_gives_fuzz_tests_the_time_limit_in_proportion_to_its_examples(monkeypatch):
    # An 800-example hunt ran into pytest-timeout's 300 s: the alarm went off inside a
    # request of whichever operation was running, reported as that operation's flaky
    # failure (a TransactionManagementError, a GET /social that never failed again).
    fuzzer, other = collect(monkeypatch, hunting=True, examples=800)

    assert [mark.args for mark in fuzzer.markers] == [(9600.0,)]
    assert other.markers == []


@pytest.mark.parametrize(
    ("hunting", "examples", "timeout"),
    [(False, 25, "300"), (True, 25, "0"), (True, 25, "")],
    ids=["fixed-sample", "no-limit", "no-setting"],
)
def test_the_fixed_sample_and_unlimited_runs_keep_the_configured_limit(
    monkeypatch, hunting, examples, timeout
):
    fuzzer, _ = collect(monkeypatch, hunting=hunting, examples=examples, timeout=timeout)

    assert fuzzer.markers == []


def test_a_failure_report_names_what_a_flaky_failure_wraps():
    try:
        pytest.fail("Timeout (>300.0s) from pytest-timeout.")
    except pytest.fail.Exception as exc:
        timeout = exc
    flaky = FlakyFailure("Failed on the first call but did not on a subsequent one", [timeout])

    described = fuzzing.describe(flaky)

    assert "Failed: Timeout (>300.0s) from pytest-timeout." in described
