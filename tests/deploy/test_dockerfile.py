"""Offline checks of the Dockerfile (no Docker engine here): stages, lockfile install, non-root, read-only root."""

from __future__ import annotations

import glob
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PORTS = {
    "goals": 8101,
    "reviews": 8102,
    "feedback": 8103,
    "incentives": 8104,
    "notifications": 8105,
    "analytics": 8106,
    "connectors": 8107,
}
METRICS_PORTS = {
    "goals": 9101,
    "reviews": 9102,
    "feedback": 9103,
    "incentives": 9104,
    "notifications": 9105,
    "analytics": 9106,
    "connectors": 9107,
}


def instructions(dockerfile: str = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile)
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def stages(dockerfile: str = DOCKERFILE) -> dict[str, list[tuple[str, str]]]:
    named: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in instructions(dockerfile):
        if keyword == "FROM":
            current = [(keyword, rest)]
            match = re.search(r"\bAS\s+(\S+)$", rest, re.IGNORECASE)
            named[match.group(1) if match else f"#{len(named)}"] = current
        else:
            current.append((keyword, rest))
    return named


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", rest))
    return env


def test_final_image_is_the_stage_named_after_the_service_arg() -> None:
    built = list(stages().values())[-1]
    assert built[0] == ("FROM", "service-${SERVICE}")
    assert ("ARG", "SERVICE=goals") in instructions()[:2]


@pytest.mark.parametrize(("service", "port"), list(PORTS.items()))
def test_each_service_stage_exposes_its_api_and_metrics_ports(service: str, port: int) -> None:
    stage = stages()[f"service-{service}"]
    assert stage == [("FROM", f"runtime AS service-{service}"), ("EXPOSE", f"{port} {METRICS_PORTS[service]}")]


def test_build_stage_installs_one_service_from_the_frozen_lockfile() -> None:
    build = stages()["build"]
    runs = [rest for keyword, rest in build if keyword == "RUN"]
    assert any(re.fullmatch(r'pip install --no-cache-dir "uv==[\d.]+"', run) for run in runs)
    syncs = [run for run in runs if run.startswith("uv sync")]
    assert len(syncs) == 2
    for sync in syncs:
        assert {"--frozen", "--no-dev", '"pacer-${SERVICE}"'} <= set(sync.split())
        assert "--package" in sync
    assert "--no-editable" in syncs[-1]  # the runtime stage copies only the venv, not the sources
    assert env_of(build)["UV_PROJECT_ENVIRONMENT"] == "/app/.venv"
    assert env_of(build)["UV_COMPILE_BYTECODE"] == "1"


def test_every_workspace_manifest_is_copied_before_the_dependency_layer() -> None:
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    members = sorted(
        Path(path).relative_to(ROOT).as_posix()
        for pattern in workspace
        for path in glob.glob(str(ROOT / pattern))
        if (Path(path) / "pyproject.toml").is_file()
    )
    assert members, "no workspace members found"
    copies = [rest for keyword, rest in stages()["build"] if keyword == "COPY"]
    for member in members:
        assert f"{member}/pyproject.toml {member}/" in copies, f"Dockerfile does not COPY {member}/pyproject.toml"


def test_runtime_is_slim_non_root_and_read_only_friendly() -> None:
    runtime = stages()["runtime"]
    assert runtime[0] == ("FROM", "${PYTHON_IMAGE} AS runtime")
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in instructions()
    assert ("USER", "10001:10001") in runtime
    assert any(keyword == "RUN" and "--uid 10001" in rest for keyword, rest in runtime)
    assert ("COPY", "--from=build /app/.venv /app/.venv") in runtime
    env = env_of(runtime)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PATH"].startswith("/app/.venv/bin:")
    assert env["PACER_SERVICE"] == "${SERVICE}"
    [entrypoint] = [rest for keyword, rest in runtime if keyword == "ENTRYPOINT"]
    assert entrypoint == '["/bin/sh", "-c", "exec python -m \\"pacer_${PACER_SERVICE}.main\\""]'


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", ".cache", ".stack", "bench", "tests", "*-data"} <= ignored
    assert not ignored & {"shared", "services", "uv.lock", "pyproject.toml"}


def test_the_console_image_builds_from_the_lockfile_and_serves_as_nginx_unprivileged() -> None:
    console = stages((ROOT / "frontend" / "Dockerfile").read_text())
    assert list(console) == ["build", "runtime"]
    assert ("RUN", "npm ci --no-audit --no-fund") in console["build"]
    assert ("RUN", "npm run build") in console["build"]
    runtime = console["runtime"]
    assert runtime[0] == ("FROM", "${NGINX_IMAGE} AS runtime")
    assert ("USER", "101:101") in runtime, "never root: nginx-unprivileged's own user"
    assert ("EXPOSE", "8080") in runtime
    assert ("COPY", "--from=build /src/dist /usr/share/nginx/html") in runtime
    nginx = (ROOT / "frontend" / "nginx.conf").read_text()
    assert "listen 8080;" in nginx
    assert "try_files $uri /index.html;" in nginx, "the console's own routes load on refresh"
    assert re.search(r"location = /healthz \{[^}]*return 200", nginx), "what the probes ask"
    assert re.search(r"location = /config.json \{[^}]*no-store", nginx), "a changed config.json is read at once"
    ignored = (ROOT / "frontend" / ".dockerignore").read_text().split()
    assert {"node_modules", "dist"} <= set(ignored), "the image installs and builds from the lockfile itself"
