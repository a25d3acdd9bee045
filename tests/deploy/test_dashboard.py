"""The Grafana dashboard: a business view, the platform, a row per service, and only series the code defines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pacer_shared.events import EVENT_TYPES
from pacer_testkit.metric_catalog import defined_series, pacer_series_in

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "pacer.json"
SERVICES = ("goals", "reviews", "feedback", "incentives", "notifications", "analytics", "connectors")


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    """Each row's title and the panels under it (Grafana places a row's panels after it, top to bottom)."""
    panels = sorted(json.loads(DASHBOARD.read_text())["panels"], key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"]))
    assert panels[0]["type"] == "row", "every panel sits in a row"
    grouped: dict[str, list[dict[str, Any]]] = {}
    for panel in panels:
        if panel["type"] == "row":
            assert not panel.get("collapsed"), "a collapsed row keeps its panels inside it"
            grouped[panel["title"]] = []
        else:
            grouped[list(grouped)[-1]].append(panel)
    return grouped


def expressions(panels: list[dict[str, Any]]) -> list[str]:
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_the_dashboard_queries_only_series_the_code_defines(rows: dict[str, list[dict[str, Any]]]) -> None:
    used = {name for panels in rows.values() for expr in expressions(panels) for name in pacer_series_in(expr)}
    unknown = used - defined_series()
    assert unknown == set(), f"the dashboard queries series no service exports: {unknown}"


def test_event_types_in_the_dashboard_are_real_event_types(rows: dict[str, list[dict[str, Any]]]) -> None:
    named = {
        kind
        for panels in rows.values()
        for expr in expressions(panels)
        for value in re.findall(r'\btype=~?"([^"]+)"', expr)
        for kind in value.split("|")
    }
    assert named, "the business view counts events by type"
    assert named - set(EVENT_TYPES) == set()


def test_the_business_view_shows_goals_at_risk_missed_and_notifications_by_channel(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    [business] = [panels for title, panels in rows.items() if title.startswith("Business")]
    queries = expressions(business)
    for goal_event in ("GoalAtRisk", "GoalMissed", "GoalAchieved"):
        assert any(goal_event in q and "pacer_events_produced_total" in q for q in queries), goal_event
    assert any("pacer_notifications_total" in q and "by (channel, outcome)" in q for q in queries)


def test_the_platform_row_covers_every_service(rows: dict[str, list[dict[str, Any]]]) -> None:
    [platform] = [panels for title, panels in rows.items() if title.startswith("Platform")]
    queries = expressions(platform)
    for series in ("up", "pacer_http_requests_total", "pacer_consumer_lag", "pacer_outbox_backlog"):
        assert any(re.search(rf"\b{series}\{{", q) and "by (service" in q for q in queries), series
    for series in ("pacer_goals_deadline_lag_seconds", "pacer_reviews_schedule_lag_seconds"):
        assert any(series in q for q in queries), series


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_row_and_every_panel_there_is_about_it(
    rows: dict[str, list[dict[str, Any]]], service: str
) -> None:
    panels = rows[f"Service: {service}"]
    queries = expressions(panels)
    assert len(panels) >= 6
    for query in queries:
        if "pacer_http" in query or "pacer_events" in query or "pacer_consumer" in query or "pacer_outbox" in query:
            assert f'service="{service}"' in query, query
    for series in ("pacer_http_requests_total", "pacer_events_consumed_total", "pacer_consumer_lag"):
        assert any(series in q for q in queries), series


def test_the_connectors_row_shows_each_connections_sync_lag_records_errors_and_unmapped_users(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    queries = expressions(rows["Service: connectors"])
    for series in (
        "pacer_connector_caught_up_timestamp_seconds",  # what PacerConnectorNotSyncing fires on
        "pacer_connector_records_total",
        "pacer_connector_errors_total",
        "pacer_connector_unmapped_users",
    ):
        assert any(series in q and "by (connection" in q for q in queries), series
