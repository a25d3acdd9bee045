"""Offline checks of deploy/k8s: each overlay renders with kustomize, validates strictly and is production-safe."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import k8s_rules
import pytest
import yaml

from pacer_analytics.settings import AnalyticsSettings
from pacer_connectors.settings import ConnectorsSettings
from pacer_feedback.settings import FeedbackSettings
from pacer_goals.settings import GoalsSettings
from pacer_incentives.settings import IncentivesSettings
from pacer_notifications.settings import NotificationsSettings
from pacer_reviews.settings import ReviewsSettings
from pacer_shared.service import SHUTDOWN_SECONDS, STARTUP_TIMEOUT
from pacer_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("local", "production")
KUBERNETES_VERSION = "1.32.0"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "goals": GoalsSettings,
    "reviews": ReviewsSettings,
    "feedback": FeedbackSettings,
    "incentives": IncentivesSettings,
    "notifications": NotificationsSettings,
    "analytics": AnalyticsSettings,
    "connectors": ConnectorsSettings,
}
# Settings the deployment already passes before the service code reads them.
PENDING_FIELDS = {"notifications": {"smtp_host", "smtp_port"}}
REPLICAS = {
    "local": dict.fromkeys(SETTINGS, 1),
    "production": {
        "goals": 3,
        "reviews": 2,
        "feedback": 2,
        "incentives": 2,
        "notifications": 3,
        "analytics": 2,
        "connectors": 1,
    },
}
CONSOLE = "pacer-console"
SERVICE_DEPLOYMENTS = {f"pacer-{name}" for name in SETTINGS}
"""The Python services' Deployments; the console's static files are held to their own checks below."""
# Prometheus Operator custom resources: kubernetes-validate has no schema for them (it would only warn), so
# they are left out of its input and checked by the tests at the end of this module instead.
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}


def tool(name: str, fallback: str | None = None) -> str:
    """The executable beside this interpreter (the workspace venv), else on PATH, else at `fallback`."""
    candidates = [str(Path(sys.executable).parent / name), shutil.which(name), fallback]
    found = next((c for c in candidates if c and Path(c).is_file()), None)
    assert found, f"{name} is required to check deploy/k8s but was found in none of {candidates}"
    return found


@dataclass
class Rendered:
    overlay: str
    path: Path
    objects: list[dict[str, Any]]

    def of_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {o["metadata"]["name"]: o for o in self.objects if o["kind"] == kind}


def render(overlay: str, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """An overlay by name, or the base alone as `base`."""
    folder = "deploy/k8s/base" if overlay == "base" else f"deploy/k8s/overlays/{overlay}"
    result = subprocess.run(
        [tool("kubectl", "/usr/bin/kubectl"), "kustomize", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {folder} failed:\n{result.stderr}"
    objects = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert objects, f"overlay {overlay} rendered nothing"
    path = tmp_path_factory.mktemp(overlay) / "rendered.yaml"
    path.write_text(yaml.safe_dump_all([o for o in objects if o["kind"] not in OPERATOR_KINDS], sort_keys=False))
    return Rendered(overlay, path, objects)


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render("production", tmp_path_factory)


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("kubernetes-validate"), "--strict", "--quiet", "-k", KUBERNETES_VERSION, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_overlay_validates_strictly(rendered: Rendered) -> None:
    result = validate(rendered.path)
    assert result.returncode == 0, f"kubernetes-validate rejected {rendered.overlay}:\n{result.stdout}\n{result.stderr}"


def test_the_validator_rejects_an_unknown_field(rendered: Rendered, tmp_path: Path) -> None:
    """Guards the check above: strict validation must fail on a misspelt field."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(rendered.path.read_text().replace("readOnlyRootFilesystem:", "readOnlyRootFileSystem:", 1))
    assert validate(broken).returncode != 0


def test_only_expected_kinds_are_rendered(rendered: Rendered) -> None:
    kinds = {o["kind"] for o in rendered.objects}
    expected = {"ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "Ingress"}
    if rendered.overlay == "production":
        expected |= OPERATOR_KINDS
    assert kinds - {"Secret", "HorizontalPodAutoscaler"} == expected
    assert all("namespace" not in o["metadata"] for o in rendered.objects), "keep the manifests namespace-agnostic"


def pod_of(deployment: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return spec


def services_of(rendered: Rendered) -> dict[str, dict[str, Any]]:
    return {name: d for name, d in rendered.of_kind("Deployment").items() if name in SERVICE_DEPLOYMENTS}


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = pod_of(deployment)["containers"]
    assert len(containers) == 1, "one container per Pod"
    return containers[0]


def test_one_deployment_per_service_with_its_image_port_and_replicas(rendered: Rendered) -> None:
    deployments = rendered.of_kind("Deployment")
    assert set(deployments) == SERVICE_DEPLOYMENTS | {CONSOLE}
    for name, settings in SETTINGS.items():
        deployment = deployments[f"pacer-{name}"]
        container = container_of(deployment)
        assert container["image"] == f"ghcr.io/pacer-platform/pacer-{name}:0.1.0"
        port = settings.model_fields["http_port"].default
        metrics_port = settings.model_fields["metrics_port"].default
        assert container["ports"] == [
            {"name": "http", "containerPort": port, "protocol": "TCP"},
            {"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"},
        ], "metrics apart from the API, so exposing the API never exposes them"
        assert deployment["spec"]["replicas"] == REPLICAS[rendered.overlay][name]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(metrics_port),
            "prometheus.io/path": "/metrics",
        }


def test_deployments_probe_health_and_readiness(rendered: Rendered) -> None:
    for name, deployment in services_of(rendered).items():
        container = container_of(deployment)
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, name
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, name
        assert container["startupProbe"]["httpGet"]["path"] in ("/healthz", "/readyz"), name
        startup = container["startupProbe"]
        # The service waits for MongoDB, Kafka and the topics in turn, then gives up by itself: the probe must not
        # kill it first.
        assert startup["periodSeconds"] * startup["failureThreshold"] > 3 * STARTUP_TIMEOUT, name


def test_deployments_run_locked_down(rendered: Rendered) -> None:
    for name, deployment in rendered.of_kind("Deployment").items():
        pod, container = pod_of(deployment), container_of(deployment)
        pod_context, context = pod.get("securityContext", {}), container.get("securityContext", {})

        def effective(field: str, pod_context: dict[str, Any] = pod_context, context: dict[str, Any] = context) -> Any:
            return context.get(field, pod_context.get(field))

        assert effective("runAsNonRoot") is True, name
        assert effective("runAsUser") == (101 if name == CONSOLE else 10001), name  # nginx-unprivileged's user
        assert effective("seccompProfile") == {"type": "RuntimeDefault"}, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["capabilities"]["drop"] == ["ALL"], name
        assert not context["capabilities"].get("add"), name
        assert pod["automountServiceAccountToken"] is False, name
        # A read-only root still needs a writable /tmp for temporary files.
        volumes = {v["name"]: v for v in pod["volumes"]}
        [tmp] = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]], name


def test_deployments_have_resources_and_time_to_drain(rendered: Rendered) -> None:
    for name, deployment in rendered.of_kind("Deployment").items():
        resources = container_of(deployment)["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[bound]), f"{name} {bound}"
        if name in SERVICE_DEPLOYMENTS:
            assert pod_of(deployment)["terminationGracePeriodSeconds"] > SHUTDOWN_SECONDS, name


def test_every_deployment_has_its_service_account_service_and_budget(rendered: Rendered) -> None:
    accounts = rendered.of_kind("ServiceAccount")
    services = rendered.of_kind("Service")
    budgets = rendered.of_kind("PodDisruptionBudget")
    deployments = rendered.of_kind("Deployment")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        account = accounts[pod_of(deployment)["serviceAccountName"]]
        assert account["automountServiceAccountToken"] is False, name

        selecting = [s for s in services.values() if s["spec"]["selector"].items() <= labels.items()]
        assert [s["metadata"]["name"] for s in selecting] == [name]
        service = selecting[0]["spec"]
        assert service.get("type", "ClusterIP") == "ClusterIP"
        assert service["ports"] == [
            {"name": p["name"], "port": p["containerPort"], "targetPort": p["name"], "protocol": "TCP"}
            for p in container_of(deployment)["ports"]
        ]

        covering = [b for b in budgets.values() if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert [b["metadata"]["name"] for b in covering] == [name]
        budget = covering[0]["spec"]
        if deployment["spec"]["replicas"] > 1:
            assert budget == {**budget, "minAvailable": 1}, name
        else:  # one replica: minAvailable 1 would block every node drain
            assert "minAvailable" not in budget, name
            assert budget["maxUnavailable"] == 1, name

    # Nothing orphaned either.
    assert set(accounts) == set(services) == set(budgets) == set(deployments)


def environment_of(rendered: Rendered, deployment: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The variables the ConfigMaps give the container, and its secretRefs."""
    config_maps = rendered.of_kind("ConfigMap")
    env: dict[str, str] = {}
    secret_refs = []
    for source in container_of(deployment)["envFrom"]:
        if "configMapRef" in source:
            reference = source["configMapRef"]["name"]
            assert reference in config_maps, f"envFrom names a ConfigMap that is not rendered: {reference}"
            env.update(config_maps[reference]["data"])
        else:
            secret_refs.append(source["secretRef"])
    assert "env" not in container_of(deployment)
    return env, secret_refs


def test_config_and_secret_give_every_service_valid_settings(
    rendered: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = rendered.of_kind("Secret")
    assert "envFrom" not in container_of(rendered.of_kind("Deployment")[CONSOLE]), "the console reads no settings"
    for name, settings_class in SETTINGS.items():
        deployment = rendered.of_kind("Deployment")[f"pacer-{name}"]
        env, secret_refs = environment_of(rendered, deployment)

        # Every key is a real setting of this service, shared (PACER_X) or its own (PACER_<SERVICE>_X).
        known = set(settings_class.model_fields) | PENDING_FIELDS.get(name, set())
        for key in env:
            field = key.removeprefix(f"PACER_{name.upper()}_").removeprefix("PACER_").lower()
            assert key.startswith("PACER_"), f"{name}: {key} is not a Pacer setting"
            assert field in known, f"{name}: {key} is not a setting of the {name} service"
        assert not {k for k in env if "SECRET" in k or "PASSWORD" in k}, f"{name}: secrets belong in pacer-secrets"

        # The secrets every service needs, then the service's own, which no other service can read.
        secret_ref, own = secret_refs
        assert (own["name"], own["optional"]) == (f"pacer-{name}-secrets", True)
        assert secret_ref["optional"] is False
        if rendered.overlay == "production":
            assert secret_ref["name"] == "pacer-secrets"
            assert secrets == {}, "production references existing Secrets, it must not generate them"
            # what the operator's Secrets must hold (see the overlay's comment)
            secret_env = {"PACER_JWT_SECRET": "x" * 32, "PACER_PSEUDONYM_KEY": "z" * 32}
            if name == "feedback":
                secret_env["PACER_FEEDBACK_ANONYMITY_KEY"] = "y" * 32
            if settings_class.seals_text:
                secret_env["PACER_SHREDDING_KEY"] = "s" * 32
            if name == "analytics":
                secret_env["PACER_ANALYTICS_PEER_SECRET"] = "p" * 32
        else:
            assert secret_ref["name"].startswith("pacer-secrets")
            data = secrets[secret_ref["name"]]["data"]
            secret_env = {k: base64.b64decode(v).decode() for k, v in data.items()}
            assert "PACER_JWT_SECRET" in secret_env

        for key in [k for k in os.environ if k.startswith("PACER_")]:
            monkeypatch.delenv(key)
        for key, value in {**env, **secret_env}.items():
            monkeypatch.setenv(key, value)
        settings = settings_class()
        assert settings.environment == rendered.overlay
        assert settings.http_port == container_of(deployment)["ports"][0]["containerPort"]
        assert settings.metrics_port == container_of(deployment)["ports"][1]["containerPort"]
        assert settings.mongo_database == f"pacer_{name}"
        if rendered.overlay == "local":
            assert settings.kafka_bootstrap_servers == "kafka:9092"
            assert settings.mongo_url == "mongodb://mongo:27017/?replicaSet=rs0"
        else:
            assert "127.0.0.1" not in settings.kafka_bootstrap_servers
            assert settings.topic_replication_factor >= 3


def test_the_base_alone_is_production_with_encrypted_transports(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Applying the base without an overlay must not start services that send events or mail in clear."""
    base = render("base", tmp_path_factory)
    for key in [k for k in os.environ if k.startswith("PACER_")]:
        monkeypatch.delenv(key)
    for name, settings_class in SETTINGS.items():
        env, _ = environment_of(base, base.of_kind("Deployment")[f"pacer-{name}"])
        with monkeypatch.context() as scoped:
            for key, value in {
                **env,
                "PACER_JWT_SECRET": "x" * 32,
                "PACER_FEEDBACK_ANONYMITY_KEY": "y" * 32,
                "PACER_PSEUDONYM_KEY": "z" * 32,
                "PACER_ANALYTICS_PEER_SECRET": "p" * 32,
                "PACER_SHREDDING_KEY": "s" * 32,
            }.items():
                scoped.setenv(key, value)
            settings = settings_class()  # production refuses insecure transports: constructing is the check
            assert settings.environment == "production"
            assert not settings.allow_insecure_transport
            assert settings.kafka_security_protocol in ("SSL", "SASL_SSL")
            assert settings.jwt_audience
            if isinstance(settings, NotificationsSettings):
                assert settings.smtp_security in ("starttls", "tls")


def test_production_spreads_pods_over_zones_and_nodes(rendered: Rendered) -> None:
    for name, deployment in rendered.of_kind("Deployment").items():
        constraints = pod_of(deployment).get("topologySpreadConstraints", [])
        if rendered.overlay != "production":
            continue
        keys = {c["topologyKey"] for c in constraints}
        assert {"topology.kubernetes.io/zone", "kubernetes.io/hostname"} <= keys, name
        for constraint in constraints:
            # The pod's own name and ReplicaSet narrow the selector, so it counts only this Deployment's pods.
            assert {"app.kubernetes.io/name", "pod-template-hash"} <= set(constraint["matchLabelKeys"]), name


# ---------------------------------------------------------------- Prometheus Operator objects (production)


def test_a_service_monitor_scrapes_metrics_of_every_service_with_the_rules_labels(production: Rendered) -> None:
    [monitor] = production.of_kind("ServiceMonitor").values()
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    spec = monitor["spec"]
    assert set(spec) == {"selector", "endpoints"}, "same namespace as the Services; no other options"
    selector = spec["selector"]["matchLabels"]
    [excluded] = spec["selector"]["matchExpressions"]
    assert excluded["operator"] == "NotIn"
    selected = {
        name: service
        for name, service in production.of_kind("Service").items()
        if selector.items() <= service["metadata"]["labels"].items()
        and service["metadata"]["labels"].get(excluded["key"]) not in excluded["values"]
    }
    assert set(selected) == {f"pacer-{name}" for name in SETTINGS}
    [endpoint] = spec["endpoints"]
    assert endpoint["path"] == "/metrics"
    assert endpoint["port"] == "metrics", "the metrics port: the API's carries no metrics"
    assert all(endpoint["port"] in {p["name"] for p in s["spec"]["ports"]} for s in selected.values())
    # The alert rules and the dashboard select job="pacer" and service=<name>, as prometheus.yml labels them.
    relabel = {r["targetLabel"]: r for r in endpoint["relabelings"]}
    assert relabel["job"] == {"action": "replace", "targetLabel": "job", "replacement": "pacer"}
    assert relabel["service"]["sourceLabels"] == ["__meta_kubernetes_service_label_app_kubernetes_io_component"]
    for name in SETTINGS:
        assert selected[f"pacer-{name}"]["metadata"]["labels"]["app.kubernetes.io/component"] == name


def test_the_prometheus_rule_carries_the_alert_rules_unchanged(production: Rendered) -> None:
    [rule] = production.of_kind("PrometheusRule").values()
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["spec"] == {"groups": k8s_rules.rule_groups()}, "run python deploy/prometheus/k8s_rules.py"
    check = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "prometheus" / "k8s_rules.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_only_production_carries_prometheus_operator_objects(rendered: Rendered) -> None:
    # The local overlay runs without the Prometheus Operator's CRDs.
    found = {o["kind"] for o in rendered.objects} & OPERATOR_KINDS
    assert found == (OPERATOR_KINDS if rendered.overlay == "production" else set())


# ---------------------------------------------------------------- the console and the one origin


def test_the_console_serves_static_files_with_its_config_from_a_config_map(rendered: Rendered) -> None:
    deployment = rendered.of_kind("Deployment")[CONSOLE]
    container = container_of(deployment)
    assert container["image"] == "ghcr.io/pacer-platform/pacer-console:0.1.0"
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    mount = mounts["/usr/share/nginx/html/config.json"]
    [volume] = [v for v in pod_of(deployment)["volumes"] if v["name"] == mount["name"]]
    config = json.loads(rendered.of_kind("ConfigMap")[volume["configMap"]["name"]]["data"][mount["subPath"]])
    # What the console's parseConfig (frontend/src/config.ts) needs, and the sign-in the overlay's mode allows.
    assert config["auth"]["mode"] == ("local" if rendered.overlay == "local" else "oidc")
    if config["auth"]["mode"] == "oidc":
        assert {"authority", "client_id"} <= set(config["auth"])
    apis = {name: f"/{name}" for name in SETTINGS}  # the console asks the connectors what they hold about a person
    assert config["apis"] == apis, "each API under its prefix on the one origin"


def test_one_ingress_origin_serves_the_console_and_each_api_under_its_prefix_never_metrics(rendered: Rendered) -> None:
    routes = {}
    for ingress in rendered.of_kind("Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                routes[path["path"]] = (
                    backend["name"],
                    backend["port"]["name"],
                    ingress["metadata"].get("annotations"),
                )
    assert routes.pop("/")[:2] == (CONSOLE, "http")
    rewrite = {"nginx.ingress.kubernetes.io/use-regex": "true", "nginx.ingress.kubernetes.io/rewrite-target": "/$2"}
    assert routes == {f"/{name}(/|$)(.*)": (f"pacer-{name}", "http", rewrite) for name in SETTINGS}
