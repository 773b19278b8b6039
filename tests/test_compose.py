"""docker-compose.yml cannot run here (no Docker engine): parse it and check what it promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from jobs.cli import dozor

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return data


def test_compose_brings_up_postgres_the_scheduler_and_the_api() -> None:
    services = _compose()["services"]
    assert {"postgres", "scheduler", "api", "collect"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    for name in ("scheduler", "api", "collect"):
        service = services[name]
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["api"]["ports"] == ["8000:8000"]


def test_compose_commands_are_real_dozor_subcommands() -> None:
    runner = CliRunner()
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if not command:
            continue
        assert command[0] == "dozor", name
        result = runner.invoke(dozor, [*command[1:2], "--help"])
        assert result.exit_code == 0, f"service {name}: `{' '.join(command)}`: {result.output}"


def test_dockerfile_copies_every_package_the_image_needs() -> None:
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text("utf-8")
    for package in ("crawler", "jobs", "storage", "serve"):
        assert f"COPY {package} {package}" in dockerfile


def test_compose_scales_workers_behind_an_enqueuing_scheduler() -> None:
    services = _compose()["services"]
    worker = services["worker"]
    assert worker["command"] == ["dozor", "worker"]
    # Scalable: no fixed name or published port, replicas set (and `--scale worker=N`).
    assert "container_name" not in worker and "ports" not in worker
    assert worker["deploy"]["replicas"] >= 2
    assert worker["environment"]["DATABASE_URL"] == services["scheduler"]["environment"][
        "DATABASE_URL"]
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The scheduler only enqueues when workers run the crawls.
    assert services["scheduler"]["environment"]["DOZOR_QUEUE"] == "1"
    # Workers share the archive volume: reprocessing reads what any worker archived.
    assert worker["volumes"] == services["scheduler"]["volumes"]
