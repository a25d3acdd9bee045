"""Pure tests of the recognition rules: standings count each person's goals in their own month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pacer_incentives.domain.facts import InputRecord, fold
from pacer_incentives.domain.periods import Cadence, Period, in_zone
from pacer_incentives.domain.recognition import (
    Promotion,
    attainment_standings,
    lived_values_winner,
    promotion_evidence,
)

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


def quarterly_review(review_id: str, quarter_end: datetime, rating: int, completed: datetime) -> InputRecord:
    data = {
        "review_id": review_id,
        "cadence": "quarterly",
        "period_end": quarter_end.isoformat(),
        "rating": rating,
        "rating_label": "Strong",
    }
    return InputRecord(f"{review_id}-done", "ReviewCompleted", completed, "ann", data)


def test_promotion_needs_consecutive_quarters_with_one_review_each() -> None:
    rule = Promotion(key="ready", consecutive_quarterly_ratings=3, min_rating=4, training_complete=False)
    q1, q2, q3 = (datetime(2026, month, 1, tzinfo=UTC) for month in (4, 7, 10))  # the ends of Q1, Q2, Q3
    q4 = datetime(2027, 1, 1, tzinfo=UTC)
    two_cycles_over_q2 = [
        quarterly_review("r-q1", q1, 4, q1),
        quarterly_review("r-q2a", q2, 5, q2),
        quarterly_review("r-q2b", q2, 4, q2 + timedelta(days=3)),
    ]
    assert promotion_evidence(rule, fold(two_cycles_over_q2)) is None, "two reviews of Q2 are not two quarters"
    gap = [
        quarterly_review("r-q1", q1, 4, q1),
        quarterly_review("r-q3", q3, 5, q3),
        quarterly_review("r-q4", q4, 4, q4),
    ]
    assert promotion_evidence(rule, fold(gap)) is None, "Q2 is missing"
    run = [*two_cycles_over_q2, quarterly_review("r-q3", q3, 5, q3)]
    evidence = promotion_evidence(rule, fold(run))
    assert evidence is not None
    assert [line.split()[2] for line in evidence] == ["r-q1", "r-q2b", "r-q3"], "the last review of each quarter"


def test_the_lived_values_badge_goes_to_the_most_value_tagged_kudos_then_more_values_then_person_id() -> None:
    assert lived_values_winner([]) is None
    assert lived_values_winner([("bob", "teamwork"), ("ann", "teamwork"), ("bob", "integrity")]) == ("bob", 2, 2)
    # Two kudos each: Cid was thanked for two values, Ann for one.
    tied = [("ann", "teamwork"), ("ann", "teamwork"), ("cid", "teamwork"), ("cid", "growth")]
    assert lived_values_winner(tied) == ("cid", 2, 2)
    # The same count and values: the person id decides, whatever the order kudos came in.
    assert lived_values_winner([("dan", "growth"), ("bob", "growth")]) == ("bob", 1, 1)
