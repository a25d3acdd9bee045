"""Attachments, sent by email only; recipients named by a list of ids; the meeting templates."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from pacer_notifications.adapters.channels.email import compose
from pacer_notifications.adapters.channels.user_text import plain
from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.recipients import channels_for, recipients
from pacer_notifications.domain.rules import load_rules
from pacer_notifications.service.rendering import Renderer
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.events import wrap
from pacer_shared.events.reviews import MeetingCadence, MeetingCancelled

ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
MEETING = {
    "title": "Weekly team meeting",
    "cadence": "weekly",
    "duration_minutes": 45,
    "timezone": "Europe/Berlin",
    "occurrence_start": "2026-12-07T09:30:00+00:00",
    "changes": ["hour", "title"],
}


def mail(*attachments: dict[str, str]) -> str:
    return compose("pacer@example.com", "Ann", "ann@example.com", "Hi", "text", "<p>html</p>", "k", attachments)


def test_an_attachment_keeps_its_filename_and_content_type_with_its_parameters() -> None:
    message = compose(
        "pacer@example.com",
        "Ann",
        "ann@example.com",
        "Invitation",
        "text",
        "<p>html</p>",
        "key",
        [
            {"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST", "content": ICS},
            {
                "filename": "report.pdf",
                "content_type": "application/pdf",
                "content": base64.b64encode(b"%PDF-1.7").decode(),
                "encoding": "base64",
            },
        ],
    )
    assert message.get_body(("plain",)) is not None, "the readable text stays"
    calendar, report = message.iter_attachments()
    assert (calendar.get_content_type(), calendar.get_param("method"), calendar.get_filename()) == (
        "text/calendar",
        "REQUEST",
        "invite.ics",
    )
    assert calendar.get_content() == ICS.replace("\r\n", "\n")
    assert (report.get_content_type(), report.get_filename(), report.get_content()) == (
        "application/pdf",
        "report.pdf",
        b"%PDF-1.7",
    )


@pytest.mark.parametrize(
    ("attachment", "refusal"),
    [
        ({"filename": "a.ics", "content_type": "calendar", "content": "x"}, "bad content type"),
        ({"filename": "a.zip", "content_type": "multipart/mixed", "content": "x"}, "bad content type"),
        ({"filename": "a.png", "content_type": "image/png", "content": "x"}, "must be base64"),
        ({"filename": "a.png", "content_type": "image/png", "content": "%%", "encoding": "base64"}, "not base64"),
    ],
)
def test_an_attachment_that_cannot_be_written_is_refused_with_the_reason(
    attachment: dict[str, str], refusal: str
) -> None:
    with pytest.raises(ValueError, match=refusal):
        mail(attachment)


def test_meeting_events_go_to_every_attendee_by_email_only() -> None:
    rules = load_rules(None)
    event = MeetingCancelled(
        meeting_id="m-1",
        team_id="north",
        title="Weekly team meeting",
        cadence=MeetingCadence.WEEKLY,
        organizer_id="mia",
        attendee_ids=["mia", "ann", "gone"],
        timezone="Europe/Berlin",
        sequence=2,
        series_start=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        duration_minutes=45,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        cancelled_by="mia",
    )
    envelope = wrap(event, source="/tests", time=datetime.now(UTC))
    people = {p: {"_id": p, "display_name": p, "email": f"{p}@example.com"} for p in ("mia", "ann")}
    rule = rules.root["MeetingCancelled"]
    found, missing = recipients(rule, envelope, people, [])
    assert ([r.key for r in found], missing) == (["person:mia", "person:ann"], ["gone"])
    mia = {**people["mia"], "chat": {"dingtalk": "mia-dt"}}
    settings = NotificationsSettings()
    assert channels_for(settings, mia, Preferences(channels=["dingtalk", "email"]), "MeetingCancelled", rule) == [
        "email"
    ], "a chat cannot carry the invitation"
    assert all(rules.root[t].invitation for t in ("MeetingScheduled", "MeetingChanged", "MeetingCancelled"))


def test_meeting_messages_speak_the_readers_language_and_time() -> None:
    renderer = Renderer()
    zh = renderer.render("meeting_scheduled", "zh-CN", "Asia/Shanghai", data=MEETING, about={})
    assert plain(zh.subject) == "会议邀请：Weekly team meeting"
    assert "每周" in plain(zh.body)
    assert "17:30" in plain(zh.body), "09:30 UTC in Shanghai"
    en = renderer.render("meeting_changed", "en", "Europe/Berlin", data=MEETING, about={})
    assert plain(en.subject) == "Updated invitation: Weekly team meeting"
    assert "hour, title" in plain(en.body)
    assert "10:30" in plain(en.body)
    without_reason = renderer.render("meeting_cancelled", "en", "UTC", data={"title": "Sync"}, about={})
    assert plain(without_reason.body).startswith("**Sync** is cancelled.")
    merged = {"title": "Sync", "reason": "合并"}
    with_reason = renderer.render("meeting_cancelled", "zh-CN", "UTC", data=merged, about={})
    assert "已取消：合并" in plain(with_reason.body)
