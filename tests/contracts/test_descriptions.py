"""Where the contract tests find their descriptions: a missing one skips a developer's
run, and fails CI (CRIER_TEST_REAL_SERVERS=1) when CI installs it from a registry."""

from __future__ import annotations

import re

import pytest

from tests.contracts.doc_table import Endpoint
from tests.contracts.openapi import description_missing, npm_export
from tests.contracts.tables import (
    facebook,
    instagram,
    linkedin,
    mastodon,
    pinterest,
    threads,
    tiktok,
    x,
)

TABLES = {
    "linkedin": [*linkedin.ENDPOINTS, linkedin.AUTHORIZE],
    "facebook": [*facebook.ENDPOINTS, facebook.AUTHORIZE],
    "instagram": [*instagram.ENDPOINTS, instagram.AUTHORIZE],
    "threads": [*threads.ENDPOINTS, threads.AUTHORIZE],
    "tiktok": [*tiktok.ENDPOINTS, tiktok.AUTHORIZE],
    "x": [*x.ENDPOINTS, x.AUTHORIZE],
    "pinterest": [*pinterest.ENDPOINTS, pinterest.AUTHORIZE],
    "mastodon": mastodon.endpoints("https://social.test"),
}


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


@pytest.mark.parametrize("rows", TABLES.values(), ids=TABLES.keys())
def test_every_table_row_cites_its_page_and_the_date_read(rows: list[Endpoint]):
    assert rows
    for row in rows:
        assert row.doc.startswith("https://"), row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.read), row
