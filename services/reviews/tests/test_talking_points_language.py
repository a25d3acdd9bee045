"""Agenda talking points carry a code and values, so each reader gets them in their own language (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from test_meeting_domain import NAMES, NOW, goal, occasion

from pacer_reviews.domain.agenda import CheckInFacts, FeedbackFacts, GoalFacts, TrainingFacts, Week, agenda
from pacer_reviews.domain.meeting_agenda import AgendaFacts, OpenItem, Win, team_agenda
from pacer_shared.events.reviews import MeetingCadence
from pacer_shared.talking_points import WORDINGS, localise, render


def team_facts() -> AgendaFacts:
    return AgendaFacts(
        names=NAMES,
        goals=[goal("ann", "g-ann", "Calls", 40, 12, expected_by_now=Decimal(25), warned_below=Decimal("0.6"))],
        wins=[Win("cid", "award", "Customer hero", NOW - timedelta(days=1))],
        feedback_tags=[["follow-up"]],
        training=[("ann", TrainingFacts("t-1", "crm-hygiene", "CRM hygiene", NOW - timedelta(days=1)))],
        action_items=[OpenItem("a-1", "Call back ACME", "bob", NOW + timedelta(days=2), NOW - timedelta(days=6))],
        last_month=[goal("bob", "g-2", "Calls", 40, 30, outcome="missed")],
        month_start=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_a_team_agenda_reads_in_chinese_for_a_chinese_reader_and_in_english_for_others() -> None:
    built = team_agenda(occasion(MeetingCadence.MONTHLY), team_facts()).model_dump(mode="json")
    chinese = localise(built, "zh-CN")
    assert chinese["talking_points"] == [
        "Ann：目标“Calls”有风险：12/40 calls，按进度应达 25（达到进度的 48%，低于预警线 60%）",
        "表彰：Cid 获得奖项“Customer hero”",
        "自上次会议以来的反馈主题：follow-up (1)",
        "Ann：培训“CRM hygiene”已逾期：截止日期为 2026-12-05",
        "待办事项（Bob，2026-12-08 到期）：Call back ACME",
        "上月（2026-11）对照计划：1 个目标中达成 0 个，平均达成率 75%",
        "  Bob：“Calls” 30/40 calls",
        "下月计划：已设 0 个目标",
    ]
    assert chinese["goals"][0]["talking_point"] == chinese["talking_points"][0]
    assert chinese["month"]["talking_points"][0] == chinese["talking_points"][5]
    english = localise(built, "en-GB")
    assert english["talking_points"][0] == (
        "Ann: Goal 'Calls' is at risk: 12 of 40 calls, pace expects 25 (48% of pace, warned below 60%)"
    )
    assert english == built, "English is what the agenda was built in"


def test_a_one_to_one_agenda_reads_in_chinese_check_in_first_when_help_is_asked() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    week = Week(datetime(2026, 11, 9, tzinfo=shanghai), datetime(2026, 11, 16, tzinfo=shanghai), shanghai)
    built = agenda(
        review_id="r-1",
        person_id="ann",
        manager_id="mia",
        week=week,
        now=datetime(2026, 11, 13, 2, tzinfo=UTC),
        goals=[GoalFacts("g-1", "Visits", "visits", Decimal(10), Decimal(10), None, "achieved", None)],
        training=[],
        feedback=[FeedbackFacts("praise", ["teamwork"])],
        anonymous=[],
        checkin=CheckInFacts(3, "Slow CRM", "A demo account", [("Visits", "Done")], late=True),
    )
    chinese = localise(built.model_dump(mode="json"), "zh-CN")
    assert chinese["talking_points"] == [
        "每周签到（逾期回答）：信心 3/5；困难：Slow CRM；需要的帮助：A demo account",
        "目标“Visits”已达成：10/10 visits（100%）",
        "本周收到的反馈：表扬 1 条，改进建议 0 条；主题：teamwork (1)",
    ]
    assert chinese["checkin"]["talking_point"] == chinese["talking_points"][0]
    assert built.talking_points[1] == "Goal 'Visits' is achieved: 10 of 10 visits (100%)"


def test_an_agenda_stored_before_points_had_codes_keeps_its_english() -> None:
    stored = {"talking_points": ["Goal 'Calls' is on track"], "goals": [{"talking_point": "Goal 'Calls' is on track"}]}
    assert localise(stored, "zh-CN") == stored


@pytest.mark.parametrize("code", sorted(WORDINGS))
def test_every_point_is_worded_in_both_languages(code: str) -> None:
    values = {
        key: "1"
        for key in ("title", "actual", "target", "attainment", "short", "due", "praise", "improvement", "confidence")
    }
    values |= {"who": "Ann", "name": "N", "themes": "t (1)", "owner": "Bob", "text": "x", "month": "2026-11"}
    values |= {"achieved": "1", "closed": "1", "count": "0", "quarter": "2026-Q3", "completed": "1", "total": "2"}
    values |= {"subject_kind": "team", "subject": "north", "from": "2026-11-01", "to": "2026-11-07", "submissions": "3"}
    english, chinese = render({"code": code, "params": values}, "en"), render({"code": code, "params": values}, "zh")
    assert english != chinese
    assert not [word for word in (" of ", " is ", " due ") if word in chinese], chinese
