"""Offline checks of docker-compose.yml and the Prometheus and Grafana configuration it mounts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import localstack
import pytest
import yaml

from pacer_analytics.settings import AnalyticsSettings
from pacer_connectors.settings import ConnectorsSettings
from pacer_feedback.settings import FeedbackSettings
from pacer_goals.settings import GoalsSettings
from pacer_incentives.settings import IncentivesSettings
from pacer_notifications.settings import NotificationsSettings
from pacer_reviews.settings import ReviewsSettings
from pacer_shared.service import SHUTDOWN_SECONDS
from pacer_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "goals": GoalsSettings,
    "reviews": ReviewsSettings,
    "feedback": FeedbackSettings,
    "incentives": IncentivesSettings,
    "notifications": NotificationsSettings,
    "analytics": AnalyticsSettings,
    "connectors": ConnectorsSettings,
}
INFRA = ("kafka", "mongo", "mailpit", "prometheus", "grafana")


def port_of(name: str) -> int:
    return int(SETTINGS[name].model_fields["http_port"].default)


def metrics_port_of(name: str) -> int:
    return int(SETTINGS[name].model_fields["metrics_port"].default)


def venv_tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is missing (not beside {sys.executable}, not on PATH): run `uv sync`, it is a dev dependency"
    return found


def mount_source(service: dict[str, Any], target: str) -> Path:
    """The host path Compose mounts at `target` (short volume syntax `./host:/target[:ro]`)."""
    volumes: list[str] = service.get("volumes", [])
    for volume in volumes:
        source, mounted, *_ = volume.split(":")
        if mounted == target:
            return (ROOT / source).resolve()
    raise AssertionError(f"nothing is mounted at {target}: {service.get('volumes')}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def test_compose_file_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [venv_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"check-jsonschema failed:\n{result.stdout}\n{result.stderr}"


def test_the_stack_holds_the_services_and_the_infrastructure(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == set(SETTINGS) | set(INFRA) | {"console"}


def test_the_console_is_built_from_its_image_and_every_service_allows_its_origin(
    services: dict[str, dict[str, Any]],
) -> None:
    console = services["console"]
    assert console["build"] == {"context": "frontend", "dockerfile": "Dockerfile"}
    assert console["ports"] == ["127.0.0.1:8600:8080"]
    assert console["read_only"] is True
    baked = json.loads((ROOT / "frontend" / "public" / "config.json").read_text())
    apis = {name: f"http://127.0.0.1:{port_of(name)}" for name in SETTINGS}
    assert baked["apis"] == apis, "what the image serves"
    for name in SETTINGS:
        origins = json.loads(services[name]["environment"]["PACER_CORS_ALLOWED_ORIGINS"])
        assert "http://127.0.0.1:8600" in origins, name


def test_every_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    unchecked = [
        name
        for name, service in services.items()
        if not service.get("healthcheck", {}).get("test") or service["healthcheck"].get("disable")
    ]
    assert unchecked == []


def test_published_ports_bind_to_loopback_only(services: dict[str, dict[str, Any]]) -> None:
    exposed = [
        f"{name}: {port}"
        for name, service in services.items()
        for port in service.get("ports", [])
        if not str(port).startswith("127.0.0.1:")
    ]
    assert exposed == []


@pytest.mark.parametrize("name", list(SETTINGS))
def test_pacer_service_is_built_from_the_dockerfile_and_wired_to_kafka_and_mongo(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    service = services[name]
    build = service["build"]
    assert build["context"] == "."
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
    assert build["args"] == {"SERVICE": name}
    assert (ROOT / "services" / name / f"pacer_{name}" / "main.py").is_file()

    env = service["environment"]
    assert isinstance(env, dict), "use the mapping form of environment"
    assert env["PACER_ENVIRONMENT"] == "local"
    assert env["PACER_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["PACER_MONGO_URL"].startswith("mongodb://mongo:27017/")
    assert "replicaSet=rs0" in env["PACER_MONGO_URL"]
    for dependency in ("kafka", "mongo"):
        assert service["depends_on"][dependency] == {"condition": "service_healthy"}

    port = port_of(name)
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
    # The image has no curl: the readiness check is a python one-liner that fails on any non-2xx answer.
    test = service["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert f"urlopen('http://127.0.0.1:{port}/readyz'" in test[3]
    compile(test[3], f"{name} healthcheck", "exec")

    # Read-only root like in Kubernetes, with a writable /tmp, and time to drain on SIGTERM.
    assert service["read_only"] is True
    assert "/tmp" in service["tmpfs"]
    assert int(service["stop_grace_period"].removesuffix("s")) > SHUTDOWN_SECONDS


def test_notifications_send_mail_to_mailpit(services: dict[str, dict[str, Any]]) -> None:
    notifications = services["notifications"]
    assert notifications["environment"]["PACER_NOTIFICATIONS_SMTP_HOST"] == "mailpit"
    assert notifications["environment"]["PACER_NOTIFICATIONS_SMTP_PORT"] == "1025"
    assert notifications["depends_on"]["mailpit"] == {"condition": "service_healthy"}
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_kafka_runs_kraft_combined_mode(services: dict[str, dict[str, Any]]) -> None:
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_compose_runs_the_kafka_version_the_local_stack_and_the_tests_run(services: dict[str, dict[str, Any]]) -> None:
    """One broker version everywhere: what passed the suite is what Compose users run."""
    assert services["kafka"]["image"] == f"apache/kafka:{localstack.KAFKA_VERSION}"
    pom = ElementTree.parse(ROOT / "deploy" / "local" / "kafka" / "pom.xml").getroot()
    [fetched] = [element.text for element in pom.iter() if element.tag.endswith("kafka.version")]
    assert fetched == localstack.KAFKA_VERSION, "the jars fetched from Maven Central are the version the cache names"


def test_mongo_is_a_one_node_replica_set_initiated_by_its_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    mongo = services["mongo"]
    assert mongo["image"].startswith("mongo:8")
    command = mongo["command"]
    assert command[command.index("--replSet") + 1] == "rs0"
    check = " ".join(mongo["healthcheck"]["test"])
    assert "mongosh" in check
    assert "rs.initiate({_id: 'rs0'" in check
    assert "host: 'mongo:27017'" in check  # the address the services' replicaSet URL reaches
    assert "isWritablePrimary" in check


def test_prometheus_scrapes_every_service(services: dict[str, dict[str, Any]]) -> None:
    config_path = mount_source(services["prometheus"], "/etc/prometheus/prometheus.yml")
    assert config_path == ROOT / "deploy" / "prometheus" / "prometheus.yml"
    config = yaml.safe_load(config_path.read_text())
    targets = {
        target: static["labels"]["service"]
        for job in config["scrape_configs"]
        if job.get("metrics_path", "/metrics") == "/metrics"
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert targets == {f"{name}:{metrics_port_of(name)}": name for name in SETTINGS}, "the metrics ports, not the APIs'"


def test_grafana_provisions_prometheus_and_the_pacer_dashboard(services: dict[str, dict[str, Any]]) -> None:
    grafana = services["grafana"]
    provisioning = mount_source(grafana, "/etc/grafana/provisioning")
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert [(d["type"], d["url"]) for d in datasources] == [("prometheus", "http://prometheus:9090")]
    uid = datasources[0]["uid"]

    providers = yaml.safe_load((provisioning / "dashboards" / "pacer.yml").read_text())["providers"]
    dashboards_in_container = providers[0]["options"]["path"]
    dashboards = mount_source(grafana, dashboards_in_container)
    assert dashboards == ROOT / "deploy" / "grafana" / "dashboards"

    dashboard = json.loads((dashboards / "pacer.json").read_text())
    assert dashboard["uid"]
    assert dashboard["title"]
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == uid, panel["title"]
            assert all(target["datasource"]["uid"] == uid for target in panel["targets"]), panel["title"]


def test_prometheus_loads_the_alert_rules_it_is_given(services: dict[str, dict[str, Any]]) -> None:
    rules = mount_source(services["prometheus"], "/etc/prometheus/rules")
    assert rules == ROOT / "deploy" / "prometheus" / "rules"
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    # Relative to prometheus.yml: /etc/prometheus/rules in the container, deploy/prometheus/rules here.
    assert config["rule_files"] == ["rules/*.yml"]
    assert sorted(rules.glob("*.yml"))
