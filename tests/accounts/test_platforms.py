"""Connectors get their configuration from Django settings (accounts.platforms), so
override_settings reaches them, and settings read the variables strictly, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.platforms import connector_config, connector_for, new_connector
from connectors.base import ConnectorConfig
from connectors.registry import CONNECTORS, connector_class
from connectors.tiktok import TikTokConfig

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_every_platform_is_built_from_the_settings(platform):
    with new_connector(platform) as connector:
        assert type(connector.config) is connector_class(platform).config_class


def test_the_configuration_joins_the_platform_settings_and_the_oauth_app(settings):
    settings.CRIER_CONNECTORS = {
        "x": {"api_url": "https://x.test", "authorize_url": "", "scopes": "tweet.read"}
    }
    settings.CRIER_OAUTH_APPS = {"x": {"client_id": "x-id", "client_secret": "x-secret"}}

    assert connector_config("x") == ConnectorConfig(
        api_url="https://x.test", scopes="tweet.read", client_id="x-id", client_secret="x-secret"
    )
    assert connector_config("linkedin") == ConnectorConfig()


def test_the_client_secret_is_left_out_of_the_configuration_repr(settings):
    settings.CRIER_OAUTH_APPS = {"x": {"client_id": "x-id", "client_secret": "x-secret"}}

    assert "x-secret" not in repr(connector_config("x"))


def test_tiktok_gets_its_own_settings(settings):
    settings.CRIER_CONNECTORS = {
        "tiktok": {"scopes": "", "video_source": "PULL_FROM_URL", "moderation_wait": 60}
    }

    assert connector_config("tiktok") == TikTokConfig(
        video_source="PULL_FROM_URL", moderation_wait=60
    )


def test_the_shared_connector_is_rebuilt_when_its_settings_change(settings):
    settings.CRIER_CONNECTORS = {"sandbox": {"api_url": "http://first.test"}}
    first = connector_for("sandbox")
    assert connector_for("sandbox") is first

    with override_settings(CRIER_CONNECTORS={"sandbox": {"api_url": "http://second.test"}}):
        assert connector_for("sandbox").config.api_url == "http://second.test"

    again = connector_for("sandbox")
    assert again is not first
    assert again.config.api_url == "http://first.test"


def test_the_shared_connector_follows_the_oauth_apps_too(settings):
    connector_for("x")
    settings.CRIER_OAUTH_APPS = {"x": {"client_id": "late-id", "client_secret": ""}}

    assert connector_for("x").config.client_id == "late-id"


def settings_in_a_fresh_interpreter(tmp_path: Path, **variables: str):
    env = {**os.environ, "DEBUG": "1", "CRIER_VAR_DIR": str(tmp_path), **variables}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import settings; print(settings.CRIER_CONNECTORS['tiktok'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_read_the_tiktok_switches_in_any_case(tmp_path):
    result = settings_in_a_fresh_interpreter(
        tmp_path, CRIER_TIKTOK_VIDEO_SOURCE=" pull_from_url ", CRIER_TIKTOK_MODERATION_WAIT="60"
    )

    assert result.returncode == 0, result.stderr
    assert "'video_source': 'PULL_FROM_URL', 'moderation_wait': 60" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CRIER_TIKTOK_VIDEO_SOURCE", "PULL", "must be FILE_UPLOAD or PULL_FROM_URL"),
        ("CRIER_TIKTOK_MODERATION_WAIT", "soon", "must be an integer"),
    ],
)
def test_settings_refuse_a_bad_connector_switch_instead_of_guessing(
    tmp_path, variable, value, message
):
    result = settings_in_a_fresh_interpreter(tmp_path, **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} {message}" in result.stderr
