"""docker/compose.yaml describes the production layout; `docker compose config` accepts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[1] / "docker" / "compose.yaml"


def test_compose_runs_the_production_layout_with_exactly_one_beat():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert "beat" in services["beat"]["command"]
    assert "deploy" not in services["beat"]  # never scaled: one scheduler only
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_the_image_runs_as_a_non_root_user():
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text()
    assert dockerfile.count("FROM ") == 2  # build stage, then a slim runtime stage
    assert "\nUSER crier\n" in dockerfile


def compose_command() -> list[str] | None:
    """`docker-compose`, or `docker compose` where the client has the plugin."""
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    docker = shutil.which("docker")
    if docker is None:
        return None
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
    return [docker, "compose"] if probe.returncode == 0 else None


@pytest.mark.skipif(compose_command() is None, reason="no docker compose on this machine")
def test_docker_compose_config_accepts_the_file():
    result = subprocess.run(
        [*compose_command(), "-f", str(COMPOSE), "config", "--quiet"],
        env={"SECRET_KEY": "x", "CRIER_ENCRYPTION_KEYS": "y", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
