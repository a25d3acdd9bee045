"""Activity series equal an independent recount of the raw events, whatever order and how often they arrive."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from analytics_support import AnalyticsWorld, recorded, retracted, shown

from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually, producer, read_topic

KINDS = ("call", "deal_closed")


async def test_series_equal_a_recount_after_duplicates_retractions_reordering_and_late_events(
    analytics: AnalyticsWorld,
) -> None:
    rng = random.Random(21)
    start = datetime(2026, 11, 2, tzinfo=UTC)
    activities = []
    for n in range(60):
        assistant = ("ann", "bob", "dan")[n % 3]
        kind = KINDS[n % 2]
        at = start + timedelta(hours=rng.randrange(0, 24 * 20), minutes=rng.randrange(60))
        money = (
            {"amount": f"{rng.randrange(1, 5000)}.25", "currency": rng.choice(["CNY", "EUR"])}
            if kind == "deal_closed"
            else {}
        )
        activities.append(recorded(assistant, at, kind, quantity=str(rng.randrange(1, 4)), **money))
    retracted_later = activities[:6]  # retracted after they were counted
    retracted_first = activities[6:10]  # the retraction overtakes the activity
    duplicates = activities[10:20]
    shuffled = activities[10:]
    rng.shuffle(shuffled)  # out of order: days are not published in the order they happened

    await analytics.send(*(retracted(a) for a in retracted_first[:2]))
    await analytics.send(*(retracted(a) for a in retracted_first[2:]), keyed_by_activity=True)
    await analytics.send(*activities[:10], *shuffled, *duplicates)
    await analytics.send(*(retracted(a) for a in retracted_later[:3]))
    await analytics.send(*(retracted(a) for a in retracted_later[3:]), keyed_by_activity=True)
    # Late: weeks after the fact, into a period that already has numbers.
    await analytics.send(
        recorded("ann", start + timedelta(days=1, hours=3)), recorded("dan", start + timedelta(days=2))
    )

    await analytics.until_recounted(["ann", "bob", "dan"], KINDS, date(2026, 10, 25), date(2026, 12, 5))


async def test_each_persons_own_time_zone_decides_the_day(analytics: AnalyticsWorld) -> None:
    # 17:30 UTC on 10 March is the 11th in Shanghai (ann), still the 10th in Berlin (bob) and New York (dan).
    evening = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    # 03:00 UTC on the 12th is still the 11th in New York.
    small_hours = datetime(2026, 3, 12, 3, 0, tzinfo=UTC)
    await analytics.send(recorded("ann", evening), recorded("bob", evening), recorded("dan", evening))
    await analytics.send(recorded("dan", small_hours))
    one = {"count": 1, "quantity": Decimal(1), "amounts": {}}
    first, last = date(2026, 3, 9), date(2026, 3, 13)

    async def settled() -> bool:
        return bool(
            await analytics.days_shown("ann", "call", first, last) == {"2026-03-11": one}
            and await analytics.days_shown("bob", "call", first, last) == {"2026-03-10": one}
            and await analytics.days_shown("dan", "call", first, last) == {"2026-03-10": one, "2026-03-11": one}
        )

    await eventually(settled, 120, "each activity on its assistant's own day")


async def test_weeks_and_months_add_up_the_days_and_a_team_adds_up_its_assistants(analytics: AnalyticsWorld) -> None:
    # Sunday 31 May and Monday 1 June 2026 (Shanghai), Berlin's Monday 1 June, and a day in July.
    await analytics.send(
        recorded("ann", datetime(2026, 5, 31, 9, tzinfo=UTC), quantity="2"),
        recorded("ann", datetime(2026, 6, 1, 1, tzinfo=UTC), quantity="3"),
        recorded("bob", datetime(2026, 6, 1, 12, tzinfo=UTC), quantity="5"),
        recorded("bob", datetime(2026, 7, 14, 12, tzinfo=UTC)),
        recorded("dan", datetime(2026, 6, 2, 12, tzinfo=UTC)),  # south: not part of north's numbers
    )
    first, last = date(2026, 5, 25), date(2026, 7, 31)
    await analytics.until_recounted(["ann", "bob", "dan"], ["call"], first, last)

    weeks = await analytics.series("ann", "call", first, last, "week")
    assert weeks.status_code == 200, weeks.text
    assert [p["start"] for p in weeks.json()["points"]][:2] == ["2026-05-25", "2026-06-01"]
    assert shown(weeks.json()["points"]) == {
        "2026-05-25": {"count": 1, "quantity": Decimal(2), "amounts": {}},
        "2026-06-01": {"count": 1, "quantity": Decimal(3), "amounts": {}},
    }
    team = await analytics.team_series("north", "call", first, last, "month")
    assert team.status_code == 200, team.text
    assert team.json()["assistant_ids"] == assistants_of("north")
    assert shown(team.json()["points"]) == {
        "2026-05-01": {"count": 1, "quantity": Decimal(2), "amounts": {}},
        "2026-06-01": {"count": 2, "quantity": Decimal(8), "amounts": {}},
        "2026-07-01": {"count": 1, "quantity": Decimal(1), "amounts": {}},
    }
    assert [p["start"] for p in team.json()["points"]] == ["2026-05-01", "2026-06-01", "2026-07-01"]

    change = await analytics.http.get(
        "/v1/analytics/teams/north/change",
        params={"kind": "call", "month": "2026-06"},
        headers=bearer("mia", "manager"),
    )
    assert change.status_code == 200, change.text
    body = change.json()
    assert (body["month"]["count"], body["previous"]["count"]) == (2, 1)
    assert (body["count_change"], Decimal(body["count_change_ratio"]), Decimal(body["quantity_change"])) == (
        1,
        Decimal(1),
        Decimal(6),
    )
    fell = await analytics.http.get(
        "/v1/analytics/assistants/ann/change",
        params={"kind": "call", "month": "2026-07"},
        headers=bearer("ann", "assistant"),
    )
    assert fell.status_code == 200, fell.text
    assert (fell.json()["count_change"], Decimal(fell.json()["count_change_ratio"])) == (-1, Decimal(-1))
    from_nothing = await analytics.http.get(
        "/v1/analytics/assistants/bob/change", params={"kind": "call", "month": "2026-06"}, headers=bearer("hana", "hr")
    )
    assert (from_nothing.json()["count_change"], from_nothing.json()["count_change_ratio"]) == (1, None)


async def test_what_cannot_be_counted_is_dead_lettered_and_the_stream_moves_on(analytics: AnalyticsWorld) -> None:
    at = datetime(2026, 4, 7, 9, tzinfo=UTC)
    async with producer(analytics.stack.kafka_bootstrap) as client:
        await client.send_and_wait(f"{analytics.namespace}.sales.activity", b"{not json", key=b"ann")
    await analytics.send(recorded("ann", at, "deal_closed", amount="10", currency="XYZ"))  # no such currency
    good = recorded("ann", at, "deal_closed", amount="10", currency="CNY")
    await analytics.send(good)

    async def counted() -> bool:
        return await analytics.days_shown("ann", "deal_closed", at.date(), at.date()) == {
            "2026-04-07": {"count": 1, "quantity": Decimal(1), "amounts": {"CNY": Decimal(10)}}
        }

    await eventually(counted, 120, "the valid activity behind the bad ones to count")
    letters = await read_topic(
        analytics.stack.kafka_bootstrap, f"{analytics.namespace}.sales.activity.dlq", lambda found: len(found) >= 2, 120
    )
    assert sorted(r.headers["pacer-dlq-kind"] for r in letters) == ["malformed", "rejected"]
    assert {r.headers["pacer-dlq-consumer"] for r in letters} == {"analytics.activity"}


async def test_a_teams_series_by_assistant_is_each_of_its_assistants_own_series_in_one_answer(
    analytics: AnalyticsWorld,
) -> None:
    day = datetime(2026, 9, 14, 12, tzinfo=UTC)
    await analytics.send(
        recorded("ann", day, quantity="2"),
        recorded("ann", day + timedelta(days=1), "deal_closed", amount="100", currency="CNY"),
        recorded("bob", day + timedelta(days=2)),
        recorded("dan", day),  # south: not in north's answer
    )
    first, last = date(2026, 9, 10), date(2026, 9, 20)
    await analytics.until_recounted(["ann", "bob", "dan"], KINDS, first, last)

    answer = await analytics.team_series_by_assistant(
        "north", ["deal_closed", "call", "call"], first, last, as_=("mia", "manager")
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["team_id"], body["kinds"], body["from"], body["to"]) == (
        "north",
        ["deal_closed", "call"],
        "2026-09-10",
        "2026-09-20",
    )
    north = assistants_of("north")
    assert [(s["assistant_id"], s["kind"]) for s in body["series"]] == [
        (a, k) for a in north for k in ("deal_closed", "call")
    ]
    for one in body["series"]:  # the same numbers as each assistant's own series, empty days included
        alone = await analytics.series(one["assistant_id"], one["kind"], first, last)
        assert one["points"] == alone.json()["points"], one
    assert shown(body["series"][north.index("ann") * 2 + 1]["points"]) == {
        "2026-09-14": {"count": 1, "quantity": Decimal(2), "amounts": {}}
    }
