"""The schedule and the orderings anonymous feedback is shown by (pure rules, no server)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pacer_feedback.domain.anonymity import day_expiry, next_release, release_day, theme_counts

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def test_every_submission_of_an_organisations_day_waits_for_the_same_release() -> None:
    morning = datetime(2031, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai, after that day's 06:00
    evening = datetime(2031, 3, 10, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    release = datetime(2031, 3, 10, 22, 0, tzinfo=UTC)  # 06:00 on the 11th in Shanghai
    assert next_release(morning, 6, SHANGHAI) == next_release(evening, 6, SHANGHAI) == release
    assert next_release(release, 6, SHANGHAI) == datetime(2031, 3, 11, 22, 0, tzinfo=UTC), "strictly after"
    assert release_day(release, SHANGHAI) == date(2031, 3, 11), "dated by the organisation's day, not UTC's"


def test_the_release_hour_follows_the_organisations_clock_across_daylight_saving() -> None:
    before = next_release(datetime(2031, 3, 28, 12, tzinfo=UTC), 6, BERLIN)  # clocks go forward on the 30th
    after = next_release(datetime(2031, 3, 30, 12, tzinfo=UTC), 6, BERLIN)
    assert (before.astimezone(BERLIN).hour, after.astimezone(BERLIN).hour) == (6, 6)
    assert (before.hour, after.hour) == (5, 4)


def test_expiries_name_a_day_not_a_moment() -> None:
    assert day_expiry(date(2031, 3, 10), 2) == datetime(2031, 3, 12, tzinfo=UTC)


def test_theme_counts_are_most_frequent_first_then_by_name_whatever_order_they_came_in() -> None:
    counts = theme_counts(["workload", "teamwork", "communication", "teamwork"])
    assert list(counts.items()) == [("teamwork", 2), ("communication", 1), ("workload", 1)]
    assert list(theme_counts(reversed(["workload", "teamwork", "communication", "teamwork"]))) == list(counts)
