"""Where the contract tests find their descriptions: a missing one skips a developer's
run, and fails CI (CRIER_TEST_REAL_SERVERS=1) when CI installs it from a registry."""

from __future__ import annotations

import pytest

from tests.contracts.openapi import description_missing, npm_export


def test_a_missing_description_ci_installs_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CRIER_TEST_REAL_SERVERS", "1")

    with pytest.raises(pytest.fail.Exception, match=r"lexicons are not here; \.ci/run installs"):
        description_missing("lexicons are not here", installed_in_ci=True)


def test_a_missing_description_ci_installs_skips_a_developer_run(monkeypatch):
    monkeypatch.delenv("CRIER_TEST_REAL_SERVERS", raising=False)

    with pytest.raises(pytest.skip.Exception, match="lexicons are not here"):
        description_missing("lexicons are not here", installed_in_ci=True)


def test_a_description_only_the_shared_folder_holds_skips_in_ci_too(monkeypatch):
    monkeypatch.setenv("CRIER_TEST_REAL_SERVERS", "1")

    with pytest.raises(pytest.skip.Exception):
        description_missing("openapi.json is not here")


def test_a_package_that_is_not_installed_exports_nothing():
    assert npm_export("@crier/not-a-package", "schemas") is None
