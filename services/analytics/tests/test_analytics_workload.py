"""Workload: activity outside each person's working hours (in their own time zone) and load against the team's median,
for the person and their manager only; the numbers equal a recount of the raw events."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from analytics_support import ZONES, AnalyticsWorld, recorded, retracted

from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually

FIRST, LAST = date(2026, 9, 7), date(2026, 9, 20)  # two ISO weeks, Monday to Sunday
WORKING_DAYS = {1, 2, 3, 4, 5}
OPENS, CLOSES = time(9), time(18)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 9, day, hour, minute, tzinfo=UTC)


def recount(sent: list[Any], assistant: str) -> dict[str, dict[str, Any]]:
    """Per ISO week: every first record of an id never retracted, and those outside 09:00-18:00 Mon-Fri in the
    assistant's own zone, worked out without the service's code."""
    first: dict[str, SalesActivityRecorded] = {}
    gone = {data.activity_id for data in sent if isinstance(data, SalesActivityRetracted)}
    for data in sent:
        if isinstance(data, SalesActivityRecorded):
            first.setdefault(data.activity_id, data)
    weeks = {
        (FIRST + timedelta(weeks=n)).isoformat(): {"activities": 0, "outside_hours": 0, "on_days_off": 0}
        for n in range(2)
    }
    for activity in first.values():
        if activity.activity_id in gone or activity.assistant_id != assistant:
            continue
        local = activity.occurred_at.astimezone(ZONES[assistant])
        if not FIRST <= local.date() <= LAST:
            continue
        week = weeks[(local.date() - timedelta(days=local.weekday())).isoformat()]
        week["activities"] += 1
        day_off = local.isoweekday() not in WORKING_DAYS
        week["on_days_off"] += day_off
        week["outside_hours"] += day_off or not OPENS <= local.time() < CLOSES
    return weeks


def expected(sent: list[Any], assistant: str, team: list[str] | None) -> list[dict[str, Any]]:
    mine = recount(sent, assistant)
    teams = [recount(sent, member) for member in team or []]
    rows = []
    for start, week in mine.items():
        median = Decimal(str(statistics.median(t[start]["activities"] for t in teams))) if teams else None
        rows.append(
            {
                "start": start,
                **week,
                "team_median": median,
                "load_ratio": (Decimal(week["activities"]) / median).quantize(Decimal("0.0001")) if median else None,
            }
        )
    return rows


def as_shown(body: dict[str, Any]) -> list[dict[str, Any]]:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return [
        {
            "start": p["start"],
            "activities": p["activities"],
            "outside_hours": p["outside_hours"],
            "on_days_off": p["on_days_off"],
            "team_median": number(p["team_median"]),
            "load_ratio": number(p["load_ratio"]),
        }
        for p in body["periods"]
    ]


async def read(analytics: AnalyticsWorld, assistant: str, who: tuple[str, str]) -> Any:
    return await analytics.http.get(
        f"/v1/analytics/assistants/{assistant}/workload",
        params={"from": FIRST.isoformat(), "to": LAST.isoformat(), "granularity": "week"},
        headers=bearer(*who),
    )


WHO_MAY_READ = [
    (("ann", "assistant"), "ann", 200),  # herself
    (("bob", "assistant"), "ann", 403),  # a teammate
    (("mia", "manager"), "ann", 200),  # her manager
    (("max", "manager"), "ann", 403),  # another team's manager
    (("hana", "hr"), "ann", 200),
    (("ops", "admin"), "ann", 200),
    (("crm", "service"), "ann", 403),
    (("max", "manager"), "dan", 200),
    (("mia", "manager"), "dan", 403),
]


async def test_workload_equals_a_recount_in_each_persons_own_hours_against_the_team_median(
    analytics: AnalyticsWorld,
) -> None:
    late = recorded("bob", at(8, 19), "call")  # 21:00 in Berlin: outside
    sent = [
        # Ann, Shanghai (UTC+8): 02:00 UTC is 10:00 there (inside), 11:00 UTC is 19:00 (outside).
        *(recorded("ann", at(8, 2, n), "call") for n in range(3)),
        recorded("ann", at(8, 11), "quote_sent"),
        recorded("ann", at(12, 3), "call"),  # Saturday: a day off
        recorded("ann", at(13, 17), "call"),  # 01:00 on Monday 14 Sep in Shanghai: next week, before hours
        # Bob, Berlin (UTC+2): 07:30 UTC is 09:30 (inside).
        *(recorded("bob", at(9, 7, 30), "order_processed") for _ in range(5)),
        late,
        # Cid, New York (UTC-4): 03:00 UTC on the 10th is 23:00 on the 9th there.
        recorded("cid", at(10, 3), "call"),
        recorded("cid", at(15, 14), "call"),
        # Dan, alone in south: his team is too small for a median.
        recorded("dan", at(16, 14), "deal_closed"),
    ]
    await analytics.send(*sent, *sent[:2], retracted(late))  # duplicates and a retraction
    north = assistants_of("north")

    async def matches() -> bool:
        for assistant, team in (("ann", north), ("bob", north), ("cid", north), ("dan", None)):
            response = await read(analytics, assistant, ("hana", "hr"))
            assert response.status_code == 200, response.text
            assert as_shown(response.json()) == expected(analytics.activities, assistant, team), assistant
        return True

    await eventually(matches, 120, "each workload to equal the recount of the raw events")

    ann = (await read(analytics, "ann", ("ann", "assistant"))).json()
    assert (ann["working_hours"], ann["working_days"]) == ("09:00-18:00", ["mon", "tue", "wed", "thu", "fri"])
    assert [p["outside_hours"] for p in ann["periods"]] == [2, 1]  # 19:00 and Saturday; then 01:00 on Monday
    assert ann["periods"][0]["outside_share"] == "0.4000"
    dan = (await read(analytics, "dan", ("max", "manager"))).json()
    assert (dan["team_size"], dan["team_median_shown"]) == (1, False)
    assert [p["team_median"] for p in dan["periods"]] == [None, None]


async def test_workload_is_for_the_person_and_their_manager_never_a_teammate_or_a_team_list(
    analytics: AnalyticsWorld,
) -> None:
    seen = {(caller, whose): (await read(analytics, whose, caller)).status_code for caller, whose, _ in WHO_MAY_READ}
    assert seen == {(caller, whose): status for caller, whose, status in WHO_MAY_READ}
    # No team-wide list of it exists, for anyone.
    for who in (("mia", "manager"), ("hana", "hr")):
        team = await analytics.http.get(
            "/v1/analytics/teams/north/workload",
            params={"from": FIRST.isoformat(), "to": LAST.isoformat()},
            headers=bearer(*who),
        )
        assert team.status_code == 404, who
    trail = await analytics.http.get("/v1/audit", headers=bearer("hana", "hr"))
    read_by = {(r["actor"], r["action"], r["resource"]) for r in trail.json()["items"]}
    assert ("mia", "workload.read", "person/ann/workload") in read_by
    assert not any(actor == "ann" for actor, _, _ in read_by)


async def test_bad_workload_input_is_a_problem_naming_the_field(analytics: AnalyticsWorld) -> None:
    for params, field in (
        ({"from": "2026-09-20", "to": "2026-09-07"}, "query.to"),
        ({"from": "2026-09-07", "to": "2026-09-20", "granularity": "hour"}, "query.granularity"),
        ({"to": "2026-09-20"}, "query.from"),
    ):
        response = await analytics.http.get(
            "/v1/analytics/assistants/ann/workload", params=params, headers=bearer("hana", "hr")
        )
        assert response.status_code == 422, (params, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.text)
