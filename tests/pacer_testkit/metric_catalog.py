"""The Prometheus series Pacer's code defines, read from its source, and the ones a PromQL text names.

Dashboards, alert rules and runbooks are checked against this catalogue, so a renamed or removed
metric breaks a test instead of leaving an empty panel or an alert that can never fire.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "shared" / "pacer_shared", *sorted((ROOT / "services").glob("*/pacer_*"))]
# What prometheus_client exposes for each kind of collector.
SUFFIXES = {
    "Counter": ("_total", "_created"),
    "Gauge": ("",),
    "Histogram": ("_bucket", "_sum", "_count", "_created"),
    "Summary": ("_sum", "_count", "_created"),
}
# Series Prometheus itself adds to every target.
BUILTIN = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})
PACER_SERIES = re.compile(r"\bpacer_[a-z0-9_]+\b")
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


def _collectors(path: Path) -> list[tuple[str, str]]:
    """(kind, name) of each prometheus_client collector a module creates with a literal name."""
    tree = ast.parse(path.read_text(), str(path))
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "prometheus_client"
        for alias in node.names
        if alias.name in SUFFIXES
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.func.id, first.value))
    return found


@functools.cache
def defined_collectors() -> dict[str, str]:
    """Metric name -> collector kind, for every collector in shared/ and the services (tests excluded)."""
    found: dict[str, str] = {}
    for source in SOURCES:
        for path in source.rglob("*.py"):
            for kind, name in _collectors(path):
                found[name] = kind
    return found


def defined_series() -> set[str]:
    """Every series name the code exposes at /metrics."""
    series: set[str] = set()
    for name, kind in defined_collectors().items():
        base = name.removesuffix("_total") if kind == "Counter" else name
        series.update(base + suffix for suffix in SUFFIXES[kind])
    return series


def pacer_series_in(text: str) -> set[str]:
    """The pacer_* series a PromQL expression (or a page quoting PromQL) names, ignoring quoted label values."""
    return set(PACER_SERIES.findall(QUOTED.sub('""', text)))
