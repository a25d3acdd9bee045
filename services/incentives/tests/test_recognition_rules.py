"""Pure tests of the recognition rules: standings count each person's goals in their own month."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pacer_incentives.domain.facts import InputRecord, fold
from pacer_incentives.domain.periods import Cadence, Period, in_zone
from pacer_incentives.domain.recognition import attainment_standings

MARCH = Period(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))


def achieved(goal_id: str, owner: str, local_month_end: datetime) -> list[InputRecord]:
    about = {"goal_id": goal_id, "owner_id": owner, "title": goal_id, "period_end": local_month_end.isoformat()}
    return [
        InputRecord(f"{goal_id}-set", "GoalSet", datetime(2025, 3, 1, tzinfo=UTC), owner, {**about, "target": 10}),
        InputRecord(f"{goal_id}-done", "GoalAchieved", local_month_end, owner, {**about, "target": 10, "actual": 12}),
    ]


def test_each_persons_goals_count_in_the_month_of_their_own_time_zone() -> None:
    # March goals end at local midnight on 1 April: 07:00 UTC in Los Angeles, 16:00 UTC on 31 March in Shanghai.
    los_angeles = datetime(2025, 4, 1, 7, tzinfo=UTC)
    shanghai = datetime(2025, 3, 31, 16, tzinfo=UTC)
    facts = fold([*achieved("la-march", "lou", los_angeles), *achieved("sh-march", "shu", shanghai)])
    months = {
        "lou": in_zone(Cadence.MONTHLY, MARCH, "America/Los_Angeles"),
        "shu": in_zone(Cadence.MONTHLY, MARCH, "Asia/Shanghai"),
    }
    standings = attainment_standings(months, facts)
    assert [(s.person_id, s.score, s.detail["goals"]) for s in standings] == [
        ("lou", Decimal("1.2000"), "1"),
        ("shu", Decimal("1.2000"), "1"),
    ]
