"""Pacer's alerting rules: promtool checks and unit tests, a runbook per alert, only metrics the code defines."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import promtool
import pytest
import yaml

from pacer_shared import cli
from pacer_shared.settings import ServiceSettings
from pacer_testkit.metric_catalog import BUILTIN, PACER_SERIES, defined_collectors, defined_series, pacer_series_in

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.yml"))
RUNBOOKS = ROOT / "docs" / "runbooks"
RUNBOOK_BASE = "https://github.com/pacer-platform/pacer/blob/main/"
SEVERITIES = {"critical", "warning"}


@pytest.fixture(scope="module")
def promtool_binary() -> str:
    binary = promtool.binary()
    assert binary.exists(), f"promtool is not built: run `python deploy/prometheus/promtool.py install` ({binary})"
    return str(binary)


def run(promtool_binary: str, *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool_binary, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def alerts() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    assert rule["alert"] not in found, f"{rule['alert']} is defined twice"
                    found[rule["alert"]] = rule
    return found


def test_promtool_is_the_version_of_the_prometheus_that_runs_the_rules() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["prometheus"]["image"] == f"prom/prometheus:v{promtool.PROMETHEUS_VERSION}"


def test_the_prometheus_configuration_loads_the_rules_and_passes_promtool(promtool_binary: str) -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["rules/*.yml"]
    result = run(promtool_binary, "check", "config", PROMETHEUS / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    for path in RULE_FILES:
        assert f"SUCCESS: {len(alerts_in(path))} rules found" in result.stdout, result.stdout


def alerts_in(path: Path) -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def test_the_rules_pass_promtool_check_rules(promtool_binary: str) -> None:
    result = run(promtool_binary, "check", "rules", *RULE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_unit_tests_pass(promtool_binary: str) -> None:
    result = run(promtool_binary, "test", "rules", *TEST_FILES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_a_broken_alert_fails_its_unit_tests(promtool_binary: str, tmp_path: Path) -> None:
    """Guards the tests above: an alert whose threshold moved must fail promtool's unit tests."""
    shutil.copytree(PROMETHEUS / "rules", tmp_path / "rules")
    shutil.copytree(PROMETHEUS / "tests", tmp_path / "tests")
    rules = tmp_path / "rules" / "pacer.yml"
    text = rules.read_text()
    broken = text.replace(
        'pacer_outbox_oldest_age_seconds{job="pacer"}) > 60', 'pacer_outbox_oldest_age_seconds{job="pacer"}) > 600'
    )
    assert broken != text
    rules.write_text(broken)
    result = run(promtool_binary, "test", "rules", *(p.name for p in TEST_FILES), cwd=tmp_path / "tests")
    assert result.returncode != 0
    assert "PacerOutboxStuck" in result.stdout + result.stderr


def runbook_queries() -> list[str]:
    """The PromQL quoted in the runbooks: code spans that name a Pacer series or `up`."""
    spans = [span for page in sorted(RUNBOOKS.glob("*.md")) for span in re.findall(r"`([^`\n]+)`", page.read_text())]
    return [span for span in spans if re.search(r"\bpacer_[a-z0-9_]+_[a-z]+\b|\bup\{", span)]


def dashboard_queries() -> list[str]:
    panels = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "pacer.json").read_text())["panels"]
    expressions = [target["expr"] for panel in panels for target in panel.get("targets", [])]
    # Grafana fills these in before the query reaches Prometheus.
    return [e.replace("$__rate_interval", "1m").replace("$__range", "6h") for e in expressions]


@pytest.mark.parametrize(("source", "queries"), [("runbooks", runbook_queries), ("dashboard", dashboard_queries)])
def test_every_query_shown_to_operators_is_valid_promql(
    promtool_binary: str, tmp_path: Path, source: str, queries: Any
) -> None:
    found = queries()
    assert len(found) >= 8, f"too few queries found in the {source}: {found}"
    rules = [{"record": f"pacer:{source}_query:{i}", "expr": query} for i, query in enumerate(found)]
    path = tmp_path / f"{source}.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": source, "rules": rules}]}))
    result = run(promtool_binary, "check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_unit_tested_firing_and_quiet() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in TEST_FILES:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert set(alerts()) - firing == set(), "alerts never tested firing"
    assert set(alerts()) - quiet == set(), "alerts never tested staying quiet"
    assert (firing | quiet) - set(alerts()) == set(), "tests name alerts that do not exist"


def test_the_unit_tests_cover_every_rule_file() -> None:
    for path in TEST_FILES:
        listed = {(path.parent / name).resolve() for name in yaml.safe_load(path.read_text())["rule_files"]}
        assert listed <= {p.resolve() for p in RULE_FILES}
    covered = {
        (path.parent / name).resolve() for path in TEST_FILES for name in yaml.safe_load(path.read_text())["rule_files"]
    }
    assert covered == {p.resolve() for p in RULE_FILES}


@pytest.mark.parametrize("name", sorted(alerts()))
def test_each_alert_has_a_severity_a_summary_and_its_runbook(name: str) -> None:
    rule = alerts()[name]
    assert rule["labels"]["severity"] in SEVERITIES
    annotations = rule["annotations"]
    assert annotations["summary"]
    assert annotations["description"]
    assert annotations["runbook_url"] == f"{RUNBOOK_BASE}docs/runbooks/{name}.md"
    runbook = (RUNBOOKS / f"{name}.md").read_text()
    assert runbook.startswith(f"# {name}\n")
    for section in ("## What it means", "## Confirm", "## Likely causes", "## What to do"):
        assert section in runbook, f"{name}.md lacks {section}"
    assert f"[{name}]({name}.md)" in (RUNBOOKS / "README.md").read_text(), "list the runbook in docs/runbooks/README.md"


def test_every_runbook_belongs_to_an_alert() -> None:
    pages = {path.stem for path in RUNBOOKS.glob("*.md")} - {"README"}
    assert pages == set(alerts())


def test_rules_name_only_series_the_code_defines() -> None:
    defined = defined_series()
    for name, rule in alerts().items():
        named = pacer_series_in(rule["expr"])
        assert named <= defined, f"{name} queries series no service exports: {named - defined}"
        others = set(re.findall(r"\b([a-z_:][a-z0-9_:]*)\{", rule["expr"])) - named
        assert others <= BUILTIN, f"{name} queries series that are neither Pacer's nor Prometheus': {others}"
        assert named | others, f"{name} queries no series"


def test_runbooks_and_the_readme_name_only_series_the_code_defines() -> None:
    # Package and database names share the prefix: pacer_shared, pacer_goals (also the goals database), ...
    packages = {"pacer_shared", "pacer_testkit", *(f"pacer_{p.name}" for p in (ROOT / "services").iterdir())}
    packages.add(ServiceSettings.model_fields["keys_database"].default)  # the people's keys' database
    # Every pacer_* word of the prose counts, quoted or not: English apostrophes make quoting useless to skip by.
    # A collector's own name (a histogram's, in the metrics table) is a name the code defines too.
    known = packages | defined_series() | set(defined_collectors())
    for page in [*RUNBOOKS.glob("*.md"), ROOT / "README.md"]:
        unknown = set(PACER_SERIES.findall(page.read_text())) - known
        assert unknown == set(), f"{page.relative_to(ROOT)} names series no service exports: {unknown}"


def test_the_readme_documents_every_metric_the_code_defines() -> None:
    readme = (ROOT / "README.md").read_text()
    undocumented = {name for name in defined_collectors() if f"| `{name}` |" not in readme}
    assert undocumented == set(), "add them to the README's metrics table"


def test_runbooks_use_real_pacer_commands(capsys: pytest.CaptureFixture[str]) -> None:
    used: set[str] = set()
    for page in RUNBOOKS.glob("*.md"):
        used |= set(re.findall(r"`pacer ((?:[a-z]+)(?: [a-z]+)?)", page.read_text()))
    assert {"lag", "dlq redrive"} <= used
    for command in sorted(used):
        with pytest.raises(SystemExit) as exit_:
            cli.main([*command.split(), "--help"])  # argparse exits 0 after the help of a real command
        assert exit_.value.code == 0, f"`pacer {command}` is not a pacer command:\n{capsys.readouterr().err}"
