"""Team meetings on the real stack: who may schedule them, what the API shows, and the invitations attendees receive
by email over SMTP (reviews publishes, notifications sends), parsed as a calendar would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import icalendar
import pytest
from reviews_support import ReviewsWorld

from pacer_shared.auth import Role
from pacer_testkit.outlets import Mailbox, outlets, text_of
from pacer_testkit.stack import eventually
from pacer_testkit.world import RunningService, ServiceWorld

BERLIN = ZoneInfo("Europe/Berlin")
NORTH = ["mia", "ann", "bob", "cid"]
"""Team north in the roster: Mia (its manager, organizing) first, then its members by id."""
ADDRESSES = [f"mailto:{p}@example.com" for p in NORTH]
WEEKLY = {"team_id": "north", "cadence": "weekly", "weekday": 0, "hour": 10, "minute": 30, "duration_minutes": 45}


async def test_the_teams_manager_or_hr_schedules_and_only_the_team_sees_it(world: ReviewsWorld) -> None:
    assert (await world.post("/v1/meetings", WEEKLY, "ann", Role.ASSISTANT)).status_code == 403
    assert (await world.post("/v1/meetings", WEEKLY, "max", Role.MANAGER)).status_code == 403, "not max's team"
    assert (await world.post("/v1/meetings", WEEKLY, "ada", Role.ADMIN)).status_code == 403
    bad_zone = await world.post("/v1/meetings", {**WEEKLY, "timezone": "Mars/Olympus"}, "mia", Role.MANAGER)
    assert bad_zone.status_code == 422, bad_zone.text
    assert "timezone" in bad_zone.json()["detail"]
    bad_hour = await world.post("/v1/meetings", {**WEEKLY, "hour": 24}, "mia", Role.MANAGER)
    assert bad_hour.status_code == 422
    assert "hour" in bad_hour.text
    nobody_leads = await world.post("/v1/meetings", {**WEEKLY, "team_id": "west"}, "hana", Role.HR)
    assert nobody_leads.status_code == 422, nobody_leads.text
    assert "no manager" in nobody_leads.json()["detail"]

    by_hr = await world.post("/v1/meetings", {**WEEKLY, "cadence": "monthly", "weekday": 4}, "hana", Role.HR)
    assert by_hr.status_code == 201, by_hr.text
    monthly = by_hr.json()
    assert (monthly["organizer_id"], monthly["attendee_ids"], monthly["created_by"]) == ("mia", NORTH, "hana")
    assert (monthly["timezone"], monthly["rrule"]) == ("Europe/Berlin", "FREQ=MONTHLY;BYDAY=1FR")
    assert monthly["sequence"] == 0
    start = datetime.fromisoformat(monthly["next_occurrence"]["start"]).astimezone(BERLIN)
    assert (start.weekday(), start.day <= 7, start.hour, start.minute) == (4, True, 10, 30), "first Friday, 10:30"
    assert monthly["title"] == "Monthly summary and plan"

    in_shanghai = await world.post("/v1/meetings", {**WEEKLY, "timezone": "Asia/Shanghai"}, "mia", Role.MANAGER)
    assert in_shanghai.status_code == 201, in_shanghai.text
    weekly = in_shanghai.json()
    start = datetime.fromisoformat(weekly["next_occurrence"]["start"])
    assert start.astimezone(ZoneInfo("Asia/Shanghai")).hour == 10
    assert start.astimezone(UTC).hour == 2

    listed = await world.get("/v1/meetings", "ann", Role.ASSISTANT)
    assert {m["meeting_id"] for m in listed.json()} == {monthly["meeting_id"], weekly["meeting_id"]}
    assert (await world.get("/v1/meetings", "dan", Role.ASSISTANT)).json() == []
    assert (await world.get("/v1/meetings?team_id=north", "max", Role.MANAGER)).json() == []
    assert (await world.get(f"/v1/meetings/{weekly['meeting_id']}", "dan", Role.ASSISTANT)).status_code == 403
    assert (await world.get(f"/v1/meetings/{weekly['meeting_id']}", "bob", Role.ASSISTANT)).status_code == 200
    assert (await world.get("/v1/meetings/no-such", "hana", Role.HR)).status_code == 404

    meeting_path = f"/v1/meetings/{weekly['meeting_id']}"
    assert (await world.call("PATCH", meeting_path, "ann", Role.ASSISTANT, {"hour": 9})).status_code == 403
    assert (await world.call("PATCH", meeting_path, "max", Role.MANAGER, {"hour": 9})).status_code == 403
    unchanged = await world.call("PATCH", meeting_path, "mia", Role.MANAGER, {"hour": 10})
    assert unchanged.json()["sequence"] == 0, "the same plan again is no new revision"
    assert (await world.post(f"{meeting_path}/cancel", {}, "max", Role.MANAGER)).status_code == 403
    cancelled = await world.post(f"{meeting_path}/cancel", {"reason": "merged"}, "hana", Role.HR)
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["sequence"], cancelled.json()["next_occurrence"]) == (
        "cancelled",
        1,
        None,
    )
    assert (await world.post(f"{meeting_path}/cancel", {}, "hana", Role.HR)).status_code == 409
    assert (await world.call("PATCH", meeting_path, "mia", Role.MANAGER, {"hour": 9})).status_code == 409
    scheduled = await world.get("/v1/meetings?status=scheduled", "hana", Role.HR)
    assert [m["meeting_id"] for m in scheduled.json()] == [monthly["meeting_id"]]

    published = await world.events(lambda records: sum(r.json()["type"].startswith("Meeting") for r in records) >= 3)
    kinds = [(e["type"], e["subject"], e["data"]["sequence"]) for e in published if e["type"].startswith("Meeting")]
    assert kinds == [
        ("MeetingScheduled", monthly["meeting_id"], 0),
        ("MeetingScheduled", weekly["meeting_id"], 0),
        ("MeetingCancelled", weekly["meeting_id"], 1),
    ]
    scheduled_event = next(e for e in published if e["type"] == "MeetingScheduled")
    assert scheduled_event["data"]["attendee_ids"] == NORTH
    assert scheduled_event["data"]["occurrence_start"].startswith(monthly["next_occurrence"]["start"][:16])


# ---------------------------------------------------------------- invitations by email


class Team(ServiceWorld):
    """Reviews, with notifications beside it sending to a real SMTP server."""

    mailbox: Mailbox

    async def mail(self, address: str, count: int) -> list[EmailMessage]:
        async def arrived() -> list[EmailMessage] | None:
            found = self.mailbox.to(address)
            return found if len(found) >= count else None

        return await eventually(arrived, timeout=60, what=f"{count} email(s) to {address}")


@pytest.fixture
async def team(running_service: RunningService) -> AsyncIterator[Team]:
    tuning = {"PACER_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05", "PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS": "0.1"}
    async with (
        outlets() as out,
        running_service("pacer_notifications.main", world=ServiceWorld, **out.env, **tuning),
        running_service("pacer_reviews.main", world=Team) as reviews,
    ):
        reviews.mailbox = out.mailbox
        yield reviews


def invitation(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    """The attached .ics as a calendar client reads it, and the method its MIME part names."""
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    return str(part.get_param("method")), icalendar.Calendar.from_ical(part.get_content())


def the_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


async def test_attendees_receive_a_calendar_invitation_its_update_and_its_cancellation(team: Team) -> None:
    starts_on = date.today() + timedelta(days=1)
    created = await team.post("/v1/meetings", {**WEEKLY, "starts_on": starts_on.isoformat()}, "mia", Role.MANAGER)
    assert created.status_code == 201, created.text
    meeting = created.json()
    first = datetime.fromisoformat(meeting["next_occurrence"]["start"]).astimezone(BERLIN)

    for person in NORTH:  # Mia reads chat first (DingTalk), but only email carries the invitation
        (message,) = await team.mail(f"{person}@example.com", 1)
        method, calendar = invitation(message)
        event = the_event(calendar)
        assert (method, calendar["METHOD"]) == ("REQUEST", "REQUEST")
        assert event["UID"] == f"{meeting['meeting_id']}@meetings.pacer"
        assert event["SEQUENCE"] == 0
        assert event["SUMMARY"] == "Weekly team meeting"
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("DTSTART") == first
        assert first.date() >= starts_on
        assert (first.weekday(), first.hour, first.minute) == (0, 10, 30)
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
        assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
        assert event["STATUS"] == "CONFIRMED"
        assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
        assert str(event["ORGANIZER"]) == "mailto:mia@example.com"
        assert event["ORGANIZER"].params["CN"] == "Mia Manager"
        assert [str(a) for a in event["ATTENDEE"]] == ADDRESSES
        assert [a.params["CN"] for a in event["ATTENDEE"]] == [
            "Mia Manager",
            "Ann Assistant",
            "Bob Assistant",
            "Cid Assistant",
        ]
    (ann,) = team.mailbox.to("ann@example.com")
    assert ann["Subject"] == "会议邀请：Weekly team meeting", "Ann reads Chinese"
    (bob,) = team.mailbox.to("bob@example.com")
    assert bob["Subject"] == "Invitation: Weekly team meeting"
    assert "Europe/Berlin" in text_of(bob)

    changed = await team.call(
        "PATCH", f"/v1/meetings/{meeting['meeting_id']}", "mia", Role.MANAGER, {"hour": 11, "title": "Team sync"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["sequence"] == 1
    for person in NORTH:
        update = (await team.mail(f"{person}@example.com", 2))[1]
        method, calendar = invitation(update)
        event = the_event(calendar)
        assert (method, calendar["METHOD"], event["SEQUENCE"]) == ("REQUEST", "REQUEST", 1)
        assert event["UID"] == f"{meeting['meeting_id']}@meetings.pacer", "the same event, revised"
        assert event.decoded("DTSTART") == first.replace(hour=11)
        assert event["SUMMARY"] == "Team sync"
    assert team.mailbox.to("bob@example.com")[1]["Subject"] == "Updated invitation: Team sync"

    cancelled = await team.post(f"/v1/meetings/{meeting['meeting_id']}/cancel", {}, "hana", Role.HR)
    assert cancelled.status_code == 200, cancelled.text
    for person in NORTH:
        cancellation = (await team.mail(f"{person}@example.com", 3))[2]
        method, calendar = invitation(cancellation)
        event = the_event(calendar)
        assert (method, calendar["METHOD"], event["SEQUENCE"], event["STATUS"]) == ("CANCEL", "CANCEL", 2, "CANCELLED")
        assert event["UID"] == f"{meeting['meeting_id']}@meetings.pacer"
        assert [str(a) for a in event["ATTENDEE"]] == ADDRESSES
    assert team.mailbox.to("ann@example.com")[2]["Subject"] == "会议已取消：Team sync"
    assert not [
        m
        for m in team.mailbox.messages
        if str(m["To"]).split("<")[-1].rstrip(">") not in {f"{p}@example.com" for p in NORTH}
    ], "nobody outside the team is invited"
