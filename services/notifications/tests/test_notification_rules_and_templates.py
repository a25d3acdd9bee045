"""Rules, preferences, templates and backoff of the notifications service (pure, no servers)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from pacer_notifications.adapters.channels.user_text import plain
from pacer_notifications.domain.backoff import retry_delay
from pacer_notifications.domain.preferences import Digest, DigestFrequency, Preferences, QuietHours
from pacer_notifications.domain.recipients import channels_for
from pacer_notifications.domain.rules import Rule, load_rules
from pacer_notifications.service.rendering import TEMPLATES, Renderer, RenderError, markdown_to_html, pick_locale
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.events import EVENT_TYPES

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSED = {"title": "Calls this week", "target": "40", "actual": "31", "shortfall": "9", "unit": "calls"}


def test_every_rule_names_a_known_event_and_has_a_template_in_every_locale() -> None:
    rules = load_rules(None)
    for event_type, rule in rules.root.items():
        assert event_type in EVENT_TYPES, event_type
        for locale in ("en", "zh-CN"):
            assert (TEMPLATES / locale / f"{rule.template}.j2").exists(), (locale, rule.template)


def test_private_events_are_marked_private_and_a_bad_rule_is_refused(tmp_path: Path) -> None:
    rules = load_rules(None)
    assert all(rules.root[t].private for t in ("BonusCalculated", "BonusApproved", "AnonymousFeedbackPublished"))
    bad = tmp_path / "rules.yaml"
    bad.write_text("GoalMissed: {recipients: [everyone], template: goal_missed}\n")
    with pytest.raises(ValidationError, match="unknown recipient 'everyone'"):
        load_rules(bad)


def test_templates_speak_the_readers_language_with_local_numbers_money_and_times() -> None:
    renderer = Renderer()
    about = {"display_name": "Ann"}
    zh = renderer.render("goal_missed", "zh-CN", "Asia/Shanghai", data=MISSED, about=about)
    en = renderer.render("goal_missed", "en-GB", "Europe/London", data=MISSED, about=about)
    assert plain(zh.subject) == "目标未达成：Calls this week"
    assert "差 9" in plain(zh.body)
    assert plain(en.subject) == "Goal missed: Calls this week"
    assert "short by 9" in plain(en.body)
    money = renderer.render(
        "bonus_calculated",
        "zh-CN",
        "Asia/Shanghai",
        data={"total": "12345.5", "currency": "CNY", "period_end": "2026-12-31T16:00:00+00:00"},
        about=about,
    )
    assert "¥12,345.50" in plain(money.body)
    assert "2027年1月1日" in plain(money.body), "the period end is shown in the reader's time zone"


def test_locales_fall_back_to_the_language_then_english() -> None:
    assert pick_locale("zh-TW") == "zh-CN"
    assert pick_locale("en-US") == "en"
    assert pick_locale("fr") == "en"
    assert pick_locale(None) == "en"


def test_a_broken_template_is_a_render_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "broken.j2").write_text(
        "{% block subject %}{{ data.missing_field }}{% endblock %}{% block body %}x{% endblock %}"
    )
    with pytest.raises(RenderError, match="missing_field"):
        Renderer(tmp_path).render("broken", "en", "UTC", data={}, about={})


def test_email_html_is_escaped_markdown() -> None:
    assert markdown_to_html("**Ann** <script>\n\n- one\n- two") == (
        "<p><strong>Ann</strong> &lt;script&gt;</p>\n<ul><li>one</li><li>two</li></ul>"
    )


def test_quiet_hours_across_midnight_end_the_next_morning_local_time() -> None:
    quiet = QuietHours(start=time(22), end=time(8))
    late = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert quiet.contains(late.astimezone(SHANGHAI).time())
    assert quiet.end_after(late, SHANGHAI) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    assert not quiet.contains(time(12))
    with pytest.raises(ValidationError, match="without a UTC offset"):
        QuietHours.model_validate({"start": "22:00Z", "end": "07:00Z"})


def test_digests_go_out_at_the_chosen_hour_daily_or_weekly() -> None:
    friday_noon = datetime(2026, 11, 27, 4, tzinfo=UTC)  # 12:00 in Shanghai, a Friday
    daily = Digest(frequency=DigestFrequency.DAILY, hour=17)
    assert daily.next_after(friday_noon, SHANGHAI) == datetime(2026, 11, 27, 9, tzinfo=UTC)
    weekly = Digest(frequency=DigestFrequency.WEEKLY, hour=9, weekday=0)
    assert weekly.next_after(friday_noon, SHANGHAI) == datetime(2026, 11, 30, 1, tzinfo=UTC)


def test_preferences_refuse_unknown_channels_and_honour_opt_outs() -> None:
    with pytest.raises(ValidationError, match="unknown channel"):
        Preferences(channels=["pager"])
    preferences = Preferences(disabled={"GoalSet": ["email"], "GoalAtRisk": ["*"]})
    assert not preferences.wants("GoalSet", "email")
    assert preferences.wants("GoalSet", "dingtalk")
    assert not preferences.wants("GoalAtRisk", "slack")


def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    delays = [retry_delay(n, base=1, ceiling=8) for n in range(1, 7)]
    assert all(0.5 <= d <= 8 for d in delays)
    assert retry_delay(6, base=1, ceiling=8) >= 4
    assert retry_delay(1, base=1, ceiling=8, retry_after=30) == 30
    assert timedelta(seconds=retry_delay(3, base=1, ceiling=8)) <= timedelta(seconds=4)


def test_private_matters_go_by_email_whatever_channels_the_person_put_first() -> None:
    settings = NotificationsSettings(chat_base_url="http://127.0.0.1:9")
    person = {"_id": "ann", "email": "ann@example.com", "chat": {"wecom": "ann", "slack": "U1"}}
    only_wecom = Preferences(channels=["wecom"])
    private, public = (
        Rule(recipients=["subject"], template="x", private=True),
        Rule(recipients=["subject"], template="x"),
    )
    assert channels_for(settings, person, only_wecom, "BonusApproved", private) == ["email"]  # mandatory
    assert channels_for(settings, person, only_wecom, "BonusCalculated", private) == ["email"]
    assert channels_for(settings, person, only_wecom, "GoalSet", public) == ["wecom"]
    no_bonus_mail = Preferences(disabled={"BonusCalculated": ["email"]})
    assert channels_for(settings, person, no_bonus_mail, "BonusCalculated", private) == []
    assert channels_for(settings, {**person, "email": None}, only_wecom, "BonusApproved", private) == []


def test_a_mandatory_message_falls_over_to_every_channel_the_person_has_but_a_private_one_to_email_only() -> None:
    settings = NotificationsSettings(chat_base_url="http://127.0.0.1:9")
    person = {"_id": "mia", "email": "mia@example.com", "chat": {"wecom": "mia", "slack": "U1"}}
    only_email = Preferences(channels=["email"])
    public, private = (
        Rule(recipients=["manager"], template="x"),
        Rule(recipients=["subject"], template="x", private=True),
    )
    assert channels_for(settings, person, only_email, "GoalMissed", public) == ["email", "slack", "wecom"]
    assert channels_for(settings, person, only_email, "GoalAtRisk", public) == ["email"], "not mandatory: as chosen"
    assert channels_for(settings, person, Preferences(channels=["wecom"]), "BonusApproved", private) == ["email"]


def test_a_programme_is_announced_to_the_person_and_its_completion_to_them_and_their_manager() -> None:
    rules = load_rules(None).root
    assert rules["ProgrammeAssigned"].recipients == ["subject"]
    assert rules["ProgrammeCompleted"].recipients == ["subject", "manager"]
    renderer = Renderer()
    assigned = {"title": "Onboarding", "course_ids": ["welcome", "pricing-quiz"], "onboarding": True}
    zh = renderer.render("programme_assigned", "zh-CN", "Asia/Shanghai", data=assigned, about={"display_name": "Zoe"})
    en = renderer.render("programme_assigned", "en", "UTC", data=assigned, about={"display_name": "Zoe"})
    assert plain(zh.subject) == "培训计划：Onboarding"
    assert "共 2 门课程" in plain(zh.body)
    assert plain(en.subject) == "Training programme: Onboarding"
    assert "2 courses" in plain(en.body)
    done = {"title": "Onboarding", "completed_at": "2026-12-07T02:00:00+00:00"}
    zh = renderer.render("programme_completed", "zh-CN", "Asia/Shanghai", data=done, about={"display_name": "Zoe"})
    assert "Zoe 已于" in plain(zh.body)
    assert "2026年12月7日" in plain(zh.body)


def test_a_duty_evaluation_tells_the_person_their_quarters_average_in_their_language() -> None:
    renderer = Renderer()
    data = {"quarter": "2026-Q3", "average": "3.8", "revision": 2}
    zh = renderer.render("duty_evaluation_recorded", "zh-CN", "Asia/Shanghai", data=data, about={"display_name": "Ann"})
    en = renderer.render("duty_evaluation_recorded", "en", "Europe/Berlin", data=data, about={"display_name": "Ann"})
    assert plain(en.subject) == "Your duties for 2026-Q3 are scored"
    assert "average 3.8 of 5 (corrected)" in plain(en.body)
    assert plain(zh.subject) == "2026-Q3 职责评分已记录"
    assert "平均 3.8 分" in plain(zh.body)
