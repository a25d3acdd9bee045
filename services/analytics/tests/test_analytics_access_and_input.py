"""Who may read whose trends, and bad input answered with problem+json naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from analytics_support import AnalyticsWorld

from pacer_testkit.stack import bearer

JUNE, JULY = date(2026, 6, 1), date(2026, 6, 30)


ASSISTANT_SERIES = [
    (("ann", "assistant"), "ann", 200),  # themselves
    (("ann", "assistant"), "bob", 403),  # a colleague
    (("mia", "manager"), "bob", 200),  # a report
    (("max", "manager"), "ann", 403),  # another manager's report
    (("hana", "hr"), "dan", 200),
    (("ops", "admin"), "dan", 200),
    (("crm", "service"), "ann", 403),  # a machine account reads no one's trends
    (("ann", "assistant"), "nobody", 403),  # someone not in the roster: no hint that they do not exist
    (("hana", "hr"), "nobody", 404),
]
TEAM_SERIES = [
    (("mia", "manager"), "north", 200),  # leads it: every assistant of north reports to her
    (("mia", "manager"), "south", 403),
    (("ann", "assistant"), "north", 403),
    (("hana", "hr"), "south", 200),
]
BAD_INPUT = [
    ({"kind": "call", "from": "2026-06-10", "to": "2026-06-01"}, "query.to"),
    ({"kind": "call", "from": "2020-01-01", "to": "2026-06-01"}, "query.to"),
    ({"kind": "call", "from": "2026-06-01", "to": "2026-06-02", "granularity": "hour"}, "query.granularity"),
    ({"kind": "call", "from": "June", "to": "2026-06-02"}, "query.from"),
    ({"kind": "Not A Kind!", "from": "2026-06-01", "to": "2026-06-02"}, "query.kind"),
    ({"from": "2026-06-01", "to": "2026-06-02"}, "query.kind"),
]


# One service for every case: starting one per case would spend minutes on start-ups, not on what is tested.
async def test_who_may_read_whose_trends(analytics: AnalyticsWorld) -> None:
    seen = {}
    for caller, assistant, _ in ASSISTANT_SERIES:
        seen[caller, "assistant", assistant] = (
            await analytics.series(assistant, "call", JUNE, JULY, as_=caller)
        ).status_code
    for caller, team, _ in TEAM_SERIES:
        seen[caller, "team", team] = (await analytics.team_series(team, "call", JUNE, JULY, as_=caller)).status_code
        by_assistant = await analytics.team_series_by_assistant(team, ["call"], JUNE, JULY, as_=caller)
        seen[caller, "team by assistant", team] = by_assistant.status_code
    no_token = await analytics.http.get(
        "/v1/analytics/assistants/ann/series", params={"kind": "call", "from": "2026-06-01", "to": "2026-06-02"}
    )
    assert no_token.status_code == 401
    assert seen == {
        **{(caller, "assistant", who): status for caller, who, status in ASSISTANT_SERIES},
        **{(caller, "team", team): status for caller, team, status in TEAM_SERIES},
        **{(caller, "team by assistant", team): status for caller, team, status in TEAM_SERIES},
    }
    # Someone else's trends read are in the audit trail; one's own are not.
    trail = await analytics.http.get("/v1/audit", headers=bearer("hana", "hr"))
    read = {(r["actor"], r["action"], r["resource"]) for r in trail.json()["items"]}
    assert ("mia", "activity_series.read", "person/bob/activity") in read
    assert ("mia", "activity_series.read", "team/north/activity") in read
    # Everyone's own numbers in one answer: one record naming the team and that it was per assistant.
    assert ("mia", "activity_series.read", "team/north/activity/by-assistant") in read
    assert not any(actor == "ann" for actor, _, _ in read)


async def test_bad_input_is_a_problem_naming_the_field(analytics: AnalyticsWorld) -> None:
    for params, field in BAD_INPUT:
        response = await analytics.http.get(
            "/v1/analytics/assistants/ann/series", params=params, headers=bearer("hana", "hr")
        )
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [error["field"] for error in response.json()["errors"]], (params, response.text)


async def test_a_month_that_does_not_exist_is_a_problem_naming_the_field(analytics: AnalyticsWorld) -> None:
    for month in ("2026-13", "June", "0001-01", "0000-01"):
        response = await analytics.http.get(
            "/v1/analytics/assistants/ann/change", params={"kind": "call", "month": month}, headers=bearer("hana", "hr")
        )
        assert response.status_code == 422, (month, response.text)
        assert "query.month" in [error["field"] for error in response.json()["errors"]], (month, response.text)


async def test_a_team_series_by_assistant_names_the_wrong_kinds(analytics: AnalyticsWorld) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"from": "2026-06-01", "to": "2026-06-02"}, "query.kind"),
        ({"kind": ["call", "Not A Kind!"], "from": "2026-06-01", "to": "2026-06-02"}, "query.kind.1"),
        ({"kind": [f"k{n}" for n in range(11)], "from": "2026-06-01", "to": "2026-06-02"}, "query.kind"),
        ({"kind": "call", "from": "2026-06-10", "to": "2026-06-01"}, "query.to"),
    ]
    for params, field in cases:
        response = await analytics.http.get(
            "/v1/analytics/teams/north/series/by-assistant", params=params, headers=bearer("hana", "hr")
        )
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [error["field"] for error in response.json()["errors"]], (params, response.text)
