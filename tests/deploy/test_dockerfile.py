"""Offline checks of the Dockerfile (no Docker engine here): stages, lockfile install, non-root, read-only root."""

from __future__ import annotations

import glob
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PORTS = {"goals": 8101, "reviews": 8102, "feedback": 8103, "incentives": 8104, "notifications": 8105, "analytics": 8106}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def stages() -> dict[str, list[tuple[str, str]]]:
    named: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in instructions():
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
def test_each_service_stage_exposes_its_port(service: str, port: int) -> None:
    stage = stages()[f"service-{service}"]
    assert stage == [("FROM", f"runtime AS service-{service}"), ("EXPOSE", str(port))]


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
