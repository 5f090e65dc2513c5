"""docker/compose.yaml describes the production layout, compose.rabbitmq.yaml its RabbitMQ
variant; `docker compose config` accepts both."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[1] / "docker" / "compose.yaml"
CRIER_SERVICES = {"migrate", "web", "worker-publish", "worker-default", "worker-media", "beat"}


def services(*overlays: str) -> dict:
    """The services of compose.yaml with each overlay's keys merged over them."""
    merged = yaml.safe_load(COMPOSE.read_text())["services"]
    for overlay in overlays:
        for name, service in yaml.safe_load((COMPOSE.parent / overlay).read_text())[
            "services"
        ].items():
            base = merged.setdefault(name, {})
            for key, value in service.items():
                base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return merged


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_compose_runs_the_production_layout_with_exactly_one_beat():
    layout = services()
    assert set(layout) == {"postgres", "redis", *CRIER_SERVICES}
    assert "beat" in layout["beat"]["command"]
    assert "deploy" not in layout["beat"]  # never scaled: one scheduler only
    assert "/readyz" in " ".join(layout["web"]["healthcheck"]["test"])
    for name in CRIER_SERVICES - {"migrate"}:
        assert layout[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    # Local media: what web stores, the workers read.
    assert all("crierdata:/var/lib/crier" in layout[name]["volumes"] for name in CRIER_SERVICES)


def test_each_queue_has_its_own_worker_service_and_every_routed_queue_is_consumed(settings):
    workers = {name: s["command"] for name, s in services().items() if name.startswith("worker")}
    consumed = {name: option(command, "-Q") for name, command in workers.items()}
    assert consumed == {f"worker-{queue}": queue for queue in consumed.values()}
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert set(consumed.values()) == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert all(option(command, "--hostname").endswith("@%h") for command in workers.values())


def test_the_rabbitmq_variant_moves_every_crier_process_to_rabbitmq_and_keeps_redis():
    layout = services("compose.rabbitmq.yaml")
    assert {"rabbitmq", "redis", "postgres"} <= set(layout)
    for name in CRIER_SERVICES:
        broker = layout[name]["environment"]["CELERY_BROKER_URL"]
        assert broker.startswith("amqp://") and "@rabbitmq:5672/" in broker
        assert layout[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert layout[name]["depends_on"]["rabbitmq"]["condition"] == "service_healthy"


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
@pytest.mark.parametrize("overlays", [[], ["compose.rabbitmq.yaml"]], ids=["redis", "rabbitmq"])
def test_docker_compose_config_accepts_the_layout(overlays):
    files = [
        arg for name in ["compose.yaml", *overlays] for arg in ("-f", str(COMPOSE.parent / name))
    ]
    result = subprocess.run(
        [*compose_command(), *files, "config", "--quiet"],
        env={"SECRET_KEY": "x", "CRIER_ENCRYPTION_KEYS": "y", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
