"""Team meetings on the real stack: who may schedule them, what the API shows, and the invitations attendees receive
by email over SMTP (reviews publishes, notifications sends), parsed as a calendar would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from reviews_support import ReviewsWorld

from pacer_shared.auth import Role
from pacer_shared.events.feedback import FeedbackDirection, FeedbackGiven, FeedbackKind
from pacer_shared.events.goals import GoalAchieved, GoalAtRisk, GoalMetric, GoalSet, MetricAggregation
from pacer_shared.events.incentives import ActingLeadAssigned, PromotionRecommended, RecognitionGranted
from pacer_shared.talking_points import people_in
from pacer_testkit.outlets import Mailbox, outlets, text_of
from pacer_testkit.roster import ROSTER
from pacer_testkit.roster import person as roster_person
from pacer_testkit.stack import eventually
from pacer_testkit.world import RunningService, ServiceWorld

BERLIN = ZoneInfo("Europe/Berlin")
NORTH = ["mia", "ann", "bob", "cid"]
"""Team north in the roster: Mia (its manager, organizing) first, then its members by id."""
ADDRESSES = [f"mailto:{p}@example.com" for p in NORTH]
CALLS = GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT)
CHINESE = [
    "Ann Assistant：目标“Calls”有风险：12/40 calls，按进度应达 25（达到进度的 48%，低于预警线 60%）",
    "Bob Assistant：目标“Quotes”已达成：11/10 quotes（110%）",
    "喜报：Bob Assistant 达成了“Quotes”",
    "表彰：Cid Assistant 获得奖项“Customer hero”",
    "自上次会议以来的反馈主题：follow-up (1)",
]
"""The agenda's first talking points as Ann (zh-CN in the roster) reads them."""
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
    assert [m["meeting_id"] for m in listed.json()["items"]] == [weekly["meeting_id"], monthly["meeting_id"]]
    assert (await world.get("/v1/meetings", "dan", Role.ASSISTANT)).json() == {"items": [], "next_cursor": None}
    assert (await world.get("/v1/meetings?team_id=north", "max", Role.MANAGER)).json()["items"] == []
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
    again = await world.post(f"{meeting_path}/cancel", {}, "hana", Role.HR)
    assert (again.status_code, again.json()["code"]) == (409, "meeting_cancelled"), again.text
    changed = await world.call("PATCH", meeting_path, "mia", Role.MANAGER, {"hour": 9})
    assert (changed.status_code, changed.json()["code"]) == (409, "meeting_cancelled"), changed.text
    assert "schedule a new one" in changed.json()["detail"]
    scheduled = await world.get("/v1/meetings?status=scheduled", "hana", Role.HR)
    assert [m["meeting_id"] for m in scheduled.json()["items"]] == [monthly["meeting_id"]]

    published = await world.events(
        lambda records: sum(r.json()["type"] in ("MeetingScheduled", "MeetingCancelled") for r in records) >= 3
    )
    plans = ("MeetingScheduled", "MeetingChanged", "MeetingCancelled")  # an agenda may go too, by the date
    revisions: dict[str, list[tuple[str, int]]] = {}
    for e in published:  # in order within a meeting (its key): meetings may sit on different partitions
        if e["type"] in plans:
            revisions.setdefault(e["subject"], []).append((e["type"], e["data"]["sequence"]))
    assert revisions == {
        monthly["meeting_id"]: [("MeetingScheduled", 0)],
        weekly["meeting_id"]: [("MeetingScheduled", 0), ("MeetingCancelled", 1)],
    }
    scheduled_event = next(
        e for e in published if e["type"] == "MeetingScheduled" and e["subject"] == monthly["meeting_id"]
    )
    assert scheduled_event["data"]["attendee_ids"] == NORTH
    assert scheduled_event["data"]["occurrence_start"].startswith(monthly["next_occurrence"]["start"][:16])

    # Fay joins team north: the next revision of the meeting invites the team as the roster has it now.
    await world.load([roster_person("fay", "assistant", "mia", "north", display_name="Fay Assistant")])
    retitled = await world.call(
        "PATCH", f"/v1/meetings/{monthly['meeting_id']}", "mia", Role.MANAGER, {"title": "Month in review"}
    )
    assert retitled.status_code == 200, retitled.text
    assert (retitled.json()["attendee_ids"], retitled.json()["sequence"]) == ([*NORTH, "fay"], 1)
    published = await world.events(lambda records: any(r.json()["type"] == "MeetingChanged" for r in records))
    (changed,) = [e for e in published if e["type"] == "MeetingChanged"]
    assert (changed["data"]["changes"], changed["data"]["changed_by"]) == (["title", "attendees"], "mia")


async def meeting_titles(world: ReviewsWorld, query: str, who: str = "ann") -> tuple[list[str], str | None]:
    response = await world.get(f"/v1/meetings?{query}", who, Role.ASSISTANT)
    assert response.status_code == 200, response.text
    return [m["title"] for m in response.json()["items"]], response.json()["next_cursor"]


async def test_meetings_page_newest_first_each_once_even_when_one_is_scheduled_between_pages(
    world: ReviewsWorld,
) -> None:
    titles = [f"Stand-up {n}" for n in range(5)]
    for title in titles:
        assert (await world.post("/v1/meetings", {**WEEKLY, "title": title}, "mia", Role.MANAGER)).status_code == 201

    seen, cursor = await meeting_titles(world, "limit=2")
    assert seen == ["Stand-up 4", "Stand-up 3"]
    late = await world.post("/v1/meetings", {**WEEKLY, "title": "Scheduled between pages"}, "mia", Role.MANAGER)
    assert late.status_code == 201, late.text
    while cursor is not None:
        page, cursor = await meeting_titles(world, f"limit=2&cursor={cursor}")
        seen += page
    assert seen == titles[::-1], "each meeting once, newest first; the new one comes before the cursor"
    assert (await meeting_titles(world, "limit=1"))[0] == ["Scheduled between pages"]
    assert (await meeting_titles(world, "limit=1", who="dan")) == ([], None), "not dan's team"

    too_many = await world.get("/v1/meetings?limit=201", "ann", Role.ASSISTANT)
    assert too_many.status_code == 422, too_many.text
    forged = await world.get("/v1/meetings?cursor=not-a-cursor", "ann", Role.ASSISTANT)
    assert (forged.status_code, forged.headers["content-type"]) == (422, "application/problem+json")
    assert "cursor" in forged.json()["detail"]


# ---------------------------------------------------------------- invitations by email


class Team(ServiceWorld):
    """Reviews, with notifications beside it sending to a real SMTP server."""

    mailbox: Mailbox

    async def mail(self, address: str, count: int) -> list[EmailMessage]:
        """The first `count` invitations to this address (its agenda emails, carrying no calendar, left out)."""

        async def arrived() -> list[EmailMessage] | None:
            found = [m for m in self.mailbox.to(address) if any(m.iter_attachments())]
            return found[:count] if len(found) >= count else None

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


async def published_with_ids_only(team: Team, last: str) -> None:
    """What reviews published about its meetings, read from `reviews.events` once `last` is there, names nobody: no
    attendee's email and no name (notifications writes both into the invitation from its own roster). The agenda,
    whose talking points name who they are about, is the one event that may carry a name; never an address."""
    records = await team.records("reviews.events", lambda found: any(r.json()["type"] == last for r in found))
    names = {p.display_name for p in ROSTER if p.team_id == "north"}
    emails = {str(p.email) for p in ROSTER if p.team_id == "north" and p.email}
    assert len(names) == len(emails) == 4, "Mia, Ann, Bob and Cid"
    for record in records:
        text = (record.value or b"").decode()
        assert not [e for e in emails if e in text], f"{record.json()['type']} carries an address"
        if record.json()["type"] != "MeetingAgendaReady":
            assert not [n for n in names if n in text], f"{record.json()['type']} carries a name"


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
    (ann,) = await team.mail("ann@example.com", 1)
    assert ann["Subject"] == "会议邀请：Weekly team meeting", "Ann reads Chinese"
    (bob,) = await team.mail("bob@example.com", 1)
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
    assert (await team.mail("bob@example.com", 2))[1]["Subject"] == "Updated invitation: Team sync"

    cancelled = await team.post(f"/v1/meetings/{meeting['meeting_id']}/cancel", {}, "hana", Role.HR)
    assert cancelled.status_code == 200, cancelled.text
    for person in NORTH:
        cancellation = (await team.mail(f"{person}@example.com", 3))[2]
        method, calendar = invitation(cancellation)
        event = the_event(calendar)
        assert (method, calendar["METHOD"], event["SEQUENCE"], event["STATUS"]) == ("CANCEL", "CANCEL", 2, "CANCELLED")
        assert event["UID"] == f"{meeting['meeting_id']}@meetings.pacer"
        assert [str(a) for a in event["ATTENDEE"]] == ADDRESSES
    assert (await team.mail("ann@example.com", 3))[2]["Subject"] == "会议已取消：Team sync"
    assert not [
        m
        for m in team.mailbox.messages
        if str(m["To"]).split("<")[-1].rstrip(">") not in {f"{p}@example.com" for p in NORTH}
    ], "nobody outside the team is invited"
    await published_with_ids_only(team, "MeetingCancelled")


async def test_someone_who_leaves_the_team_gets_a_cancel_of_their_attendance_and_the_rest_the_revision(
    team: Team,
) -> None:
    starts_on = date.today() + timedelta(days=1)
    created = await team.post("/v1/meetings", {**WEEKLY, "starts_on": starts_on.isoformat()}, "mia", Role.MANAGER)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["meeting_id"]
    for person in NORTH:
        await team.mail(f"{person}@example.com", 1)

    # Cid moves to team south in the roster while the weekly meeting recurs.
    await team.load([roster_person("cid", "assistant", "sam", "south", display_name="Cid Assistant")])

    (_, cancellation) = await team.mail("cid@example.com", 2)
    method, calendar = invitation(cancellation)
    event = the_event(calendar)
    assert (method, calendar["METHOD"], event["SEQUENCE"]) == ("CANCEL", "CANCEL", 1)
    assert event["UID"] == f"{meeting_id}@meetings.pacer", "the same event, so Cid's calendar drops it"
    assert str(event["ATTENDEE"]) == "mailto:cid@example.com", "the CANCEL names Cid's attendance alone"
    assert "STATUS" not in event, "STATUS:CANCELLED would cancel the series itself"
    assert cancellation["Subject"] == "No longer invited: Weekly team meeting"
    remaining = ["mia", "ann", "bob"]
    for person in remaining:
        (_, update) = await team.mail(f"{person}@example.com", 2)
        method, calendar = invitation(update)
        event = the_event(calendar)
        assert (method, event["SEQUENCE"], event["STATUS"]) == ("REQUEST", 1, "CONFIRMED")
        assert event["UID"] == f"{meeting_id}@meetings.pacer"
        assert [str(a) for a in event["ATTENDEE"]] == [f"mailto:{p}@example.com" for p in remaining]
    shown = (await team.get(f"/v1/meetings/{meeting_id}", "mia", Role.MANAGER)).json()
    assert (shown["attendee_ids"], shown["sequence"]) == (remaining, 1)
    assert len([m for m in team.mailbox.to("cid@example.com") if any(m.iter_attachments())]) == 2, "one CANCEL"
    await published_with_ids_only(team, "MeetingAttendanceCancelled")


async def test_someone_who_leaves_the_company_still_gets_the_cancel_of_their_attendance(team: Team) -> None:
    starts_on = date.today() + timedelta(days=1)
    created = await team.post("/v1/meetings", {**WEEKLY, "starts_on": starts_on.isoformat()}, "mia", Role.MANAGER)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["meeting_id"]
    for person in NORTH:
        await team.mail(f"{person}@example.com", 1)

    # Cid leaves the company: the roster marks him inactive, and notifications sends nothing else to him.
    await team.publish(roster_person("cid", "assistant", "mia", "north", display_name="Cid Assistant", active=False))

    (_, cancellation) = await team.mail("cid@example.com", 2)
    method, calendar = invitation(cancellation)
    event = the_event(calendar)
    assert (method, calendar["METHOD"], event["SEQUENCE"]) == ("CANCEL", "CANCEL", 1)
    assert event["UID"] == f"{meeting_id}@meetings.pacer", "the same event, so Cid's calendar drops the series"
    assert str(event["ATTENDEE"]) == "mailto:cid@example.com"
    assert event["ATTENDEE"].params["CN"] == "Cid Assistant"
    assert "STATUS" not in event, "the others' meeting goes on"
    assert cancellation["Subject"] == "No longer invited: Weekly team meeting"
    assert "you have left the organisation" in text_of(cancellation)
    for person in ["mia", "ann", "bob"]:
        (_, update) = await team.mail(f"{person}@example.com", 2)
        method, calendar = invitation(update)
        assert (method, the_event(calendar)["SEQUENCE"]) == ("REQUEST", 1)
        assert "mailto:cid@example.com" not in [str(a) for a in the_event(calendar)["ATTENDEE"]]
    invitations = [m for m in team.mailbox.to("cid@example.com") if any(m.iter_attachments())]
    assert len(invitations) == 2, "the invitation, then one CANCEL"


# ---------------------------------------------------------------- the agenda, a day before


def this_week(goal_id: str, owner: str, title: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "goal_id": goal_id,
        "owner_id": owner,
        "title": title,
        "period_start": now - timedelta(days=2),
        "period_end": now + timedelta(days=5),
    }


async def test_a_day_before_the_meeting_its_agenda_goes_to_the_attendees_at_risk_goals_first(team: Team) -> None:
    today = datetime.now(BERLIN)
    later = {"weekday": (today + timedelta(days=3)).weekday(), "starts_on": today.date().isoformat()}
    created = await team.post("/v1/meetings", {**WEEKLY, **later}, "mia", Role.MANAGER)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["meeting_id"]
    assigned = await team.post(
        "/v1/training/assignments",
        {"person_id": "ann", "course_id": "crm-hygiene", "due_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
        "mia",
        Role.MANAGER,
    )
    assert assigned.status_code == 201, assigned.text
    await team.publish(
        GoalSet(**this_week("calls", "ann", "Calls"), metric=CALLS, target=Decimal(40), unit="calls", set_by="mia"),
        GoalAtRisk(
            **this_week("calls", "ann", "Calls"),
            target=Decimal(40),
            actual=Decimal(12),
            expected_by_now=Decimal(25),
            pace_ratio=Decimal("0.48"),
            level=Decimal("0.6"),
        ),
        GoalSet(**this_week("quotes", "bob", "Quotes"), metric=CALLS, target=Decimal(10), unit="quotes", set_by="mia"),
        GoalAchieved(
            **this_week("quotes", "bob", "Quotes"),
            target=Decimal(10),
            actual=Decimal(11),
            attainment=Decimal("1.1"),
            achieved_at=datetime.now(UTC),
        ),
        RecognitionGranted(
            person_id="cid", recognition_id=f"r-{meeting_id}", kind="award", name="Customer hero", team_id="north"
        ),
        RecognitionGranted(person_id="ann", recognition_id=f"p-{meeting_id}", kind="award", name="Quiet", private=True),
        FeedbackGiven(
            feedback_id=f"f-{meeting_id}",
            author_id="mia",
            recipient_id="bob",
            kind=FeedbackKind.PRAISE,
            direction=FeedbackDirection.DOWNWARD,
            text="Great follow-up",
            tags=["follow-up"],
        ),
    )
    expected = [
        "Ann Assistant: Goal 'Calls' is at risk: 12 of 40 calls, pace expects 25 (48% of pace, warned below 60%)",
        "Bob Assistant: Goal 'Quotes' is achieved: 11 of 10 quotes (110%)",
        "Win: Bob Assistant achieved 'Quotes'",
        "Recognition: Cid Assistant received the award 'Customer hero'",
        "Feedback themes since the last meeting: follow-up (1)",
    ]

    async def previewed() -> dict[str, Any] | None:
        found = (await team.get(f"/v1/meetings/{meeting_id}/agenda", "bob", Role.ASSISTANT)).json()
        return found if found["talking_points"][: len(expected)] == expected else None

    preview = await eventually(previewed, what="the goals, wins and feedback in the agenda's preview")
    assert preview["status"] == "preview"
    assert preview["talking_points"][len(expected)].startswith("Ann Assistant: Training ")
    assert "Quiet" not in str(preview), "a private recognition is no team's business"
    assert not [m for m in team.mailbox.messages if "Agenda" in str(m["Subject"])], "not yet: days ahead"

    soon = datetime.now(BERLIN) + timedelta(hours=3)  # within a day: its agenda is due at once
    moved = await team.call(
        "PATCH", f"/v1/meetings/{meeting_id}", "mia", Role.MANAGER, {"weekday": soon.weekday(), "hour": soon.hour}
    )
    assert moved.status_code == 200, moved.text
    occurrence = moved.json()["next_occurrence"]["start"]

    async def agenda_mail() -> EmailMessage | None:
        return next((m for m in team.mailbox.to("bob@example.com") if "Agenda" in str(m["Subject"])), None)

    mail = await eventually(agenda_mail, timeout=60, what="the agenda by email to Bob")
    body = text_of(mail)
    assert body.index(expected[0]) < body.index(expected[2]) < body.index(expected[4]), body
    sent = (await team.get(f"/v1/meetings/{meeting_id}/agenda", "bob", Role.ASSISTANT)).json()
    assert sent["status"] == "sent"
    assert sent["talking_points"][: len(expected)] == expected
    assert datetime.fromisoformat(sent["occurrence_start"]) == datetime.fromisoformat(occurrence)

    async def ann_agenda() -> list[EmailMessage] | None:
        return [m for m in team.mailbox.to("ann@example.com") if "议程" in str(m["Subject"])] or None

    (ann,) = await eventually(ann_agenda, timeout=60, what="the agenda in Chinese to Ann")
    assert CHINESE[0] in text_of(ann), "Ann reads the talking points in her own language"
    assert expected[0] not in text_of(ann)
    in_chinese = (await team.get(f"/v1/meetings/{meeting_id}/agenda", "ann", Role.ASSISTANT)).json()
    assert in_chinese["talking_points"][: len(CHINESE)] == CHINESE, "the console reads them in Ann's roster locale"
    asked = await team.get(f"/v1/meetings/{meeting_id}/agenda?locale=en", "ann", Role.ASSISTANT)
    assert asked.json()["talking_points"][: len(expected)] == expected, "or in the language the console shows"
    published = await team.events(lambda rs: any(r.json()["type"] == "MeetingAgendaReady" for r in rs))
    ready = [e for e in published if e["type"] == "MeetingAgendaReady"]
    assert len(ready) == 1, "one agenda per occurrence"
    assert ready[0]["data"]["attendee_ids"] == NORTH
    # The mails above name everyone; the topic, which keeps what it was sent until its retention, names nobody.
    on_the_topic = json.dumps(ready[0], ensure_ascii=False)
    assert not [n for n in ("Ann Assistant", "Bob Assistant", "Cid Assistant") if n in on_the_topic], on_the_topic
    # Nor the goals' titles or the award: the points travel sealed for everyone they name, who are named by id.
    assert not [t for t in ("'Calls'", "'Quotes'", "Customer hero") if t.strip("'") in on_the_topic], on_the_topic
    assert {"ann", "bob", "cid"} <= set(ready[0]["data"]["person_ids"])
    assert set(ready[0]["data"]["person_ids"]) == people_in((await team.opened(ready[0]))["points"])


async def test_a_quarterly_agenda_reviews_last_quarter_with_results_and_promotions_for_the_manager_only(
    world: ReviewsWorld,
) -> None:
    created = await world.call(
        "POST", "/v1/meetings", "mia", Role.MANAGER, {**WEEKLY, "cadence": "quarterly", "title": "Quarter"}
    )
    assert created.status_code == 201, created.text
    meeting = created.json()
    occurs = datetime.fromisoformat(meeting["next_occurrence"]["start"]).astimezone(BERLIN).date()
    ended = occurs.replace(month=(occurs.month - 1) // 3 * 3 + 1, day=1) - timedelta(days=1)
    quarter = ended.replace(month=(ended.month - 1) // 3 * 3 + 1, day=1)
    name = f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
    cycle = {"name": "north-quarter", "cadence": "quarterly", "template_name": "monthly-summary", "team_id": "north"}
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, {**cycle, "period_start": quarter.isoformat()})
    assert opened.status_code == 201, opened.text
    listed = (await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)).json()[
        "items"
    ]
    ann_review = next(r["review_id"] for r in listed if r["person_id"] == "ann")
    await world.publish(
        PromotionRecommended(person_id="bob", rule="steady-achiever", evidence=["3 goals achieved in a row"]),
        ActingLeadAssigned(
            person_id="ann",
            assignment_id=f"lead-{meeting['meeting_id']}",
            scope="project",
            scope_name="CRM clean-up",
            starts_on=quarter + timedelta(days=10),
            ends_on=quarter + timedelta(days=40),
            assigned_by="mia",
        ),
    )

    async def led() -> dict[str, Any] | None:
        review = (await world.call("GET", f"/v1/reviews/{ann_review}", "ann", Role.ASSISTANT)).json()
        return review if review["inputs"]["acting_leads"] else None

    review = await eventually(led, what="Ann's acting lead among her review's evidence")
    assert review["inputs"]["acting_leads"] == [
        {
            "scope": "project",
            "scope_name": "CRM clean-up",
            "starts_on": (quarter + timedelta(days=10)).isoformat(),
            "ends_on": (quarter + timedelta(days=40)).isoformat(),
        }
    ]
    path = f"/v1/reviews/{ann_review}"
    own = await world.call("POST", f"{path}/self", "ann", Role.ASSISTANT, {"ratings": {"records": 5}})
    assert own.status_code in (200, 409), own.text  # 409: her own step's deadline has passed
    done = await world.call("POST", f"{path}/manager", "mia", Role.MANAGER, {"ratings": {"records": 4, "teamwork": 3}})
    assert done.status_code == 200, done.text
    score = done.json()["result"]["score"]

    async def preview(who: str, role: Role) -> dict[str, Any] | None:
        agenda = (await world.call("GET", f"/v1/meetings/{meeting['meeting_id']}/agenda", who, role)).json()
        return agenda if (agenda.get("quarter") or {}).get("reviews_completed") == 1 else None

    for_manager = await eventually(lambda: preview("mia", Role.MANAGER), what="the quarter's reviews in the agenda")
    quarter_part = for_manager["quarter"]
    assert (quarter_part["quarter"], quarter_part["reviews_open"]) == (name, 2)
    assert Decimal(quarter_part["mean_score"]) == Decimal(score)
    assert [(r["person_id"], r["status"], r["score"]) for r in quarter_part["results"]] == [
        ("ann", "completed", score),
        ("bob", "scheduled", None),
        ("cid", "scheduled", None),
    ]
    assert [(p["person_id"], p["rule"]) for p in quarter_part["promotions"]] == [("bob", "steady-achiever")]
    said = f"Last quarter's reviews ({name}): 1 of 3 completed, mean score {Decimal(score).normalize():f}"
    assert said in for_manager["talking_points"]

    for_team = await world.call("GET", f"/v1/meetings/{meeting['meeting_id']}/agenda", "bob", Role.ASSISTANT)
    assert for_team.status_code == 200, for_team.text
    team_part = for_team.json()["quarter"]
    assert (team_part["results"], team_part["promotions"]) == (None, None), "each result is private"
    assert (team_part["reviews_completed"], Decimal(team_part["mean_score"])) == (1, Decimal(score))
    assert "steady-achiever" not in for_team.text
    assert said in for_team.json()["talking_points"]
    hr = (await world.call("GET", f"/v1/meetings/{meeting['meeting_id']}/agenda", "hana", Role.HR)).json()
    assert [r["person_id"] for r in hr["quarter"]["results"]] == ["ann", "bob", "cid"]


# ---------------------------------------------------------------- minutes and action items


async def test_minutes_record_action_items_that_remind_once_each_and_stay_on_the_agenda_until_done(team: Team) -> None:
    began = datetime.now(BERLIN) - timedelta(hours=1)
    plan = {"weekday": began.weekday(), "hour": began.hour, "minute": 0, "starts_on": began.date().isoformat()}
    created = await team.post("/v1/meetings", {**WEEKLY, **plan}, "mia", Role.MANAGER)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["meeting_id"]
    held_at = began.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    now = datetime.now(UTC)
    items = [
        {"text": "Send the Q4 price list", "owner_id": "ann", "due_at": (now + timedelta(seconds=4)).isoformat()},
        {"text": "Merge CRM duplicates", "owner_id": "bob", "due_at": (now + timedelta(days=3)).isoformat()},
    ]
    body = {"notes": "Reports move to Thursday.", "decisions": ["Reports on Thursdays"], "action_items": items}
    path = f"/v1/meetings/{meeting_id}/minutes"
    assert (await team.post(path, body, "ann", Role.ASSISTANT)).status_code == 403
    stranger = await team.post(path, {**body, "action_items": [{**items[0], "owner_id": "dan"}]}, "mia", Role.MANAGER)
    assert stranger.status_code == 422, stranger.text
    assert "dan" in stranger.json()["detail"]
    future = (held_at + timedelta(days=7)).isoformat()
    ahead = await team.post(path, {**body, "occurrence_start": future}, "mia", Role.MANAGER)
    assert ahead.status_code == 422, ahead.text
    assert "begun" in ahead.json()["detail"]

    recorded = await team.post(path, body, "mia", Role.MANAGER)
    assert recorded.status_code == 201, recorded.text
    minutes = recorded.json()
    assert datetime.fromisoformat(minutes["occurrence_start"]) == held_at, "the latest occurrence that began"
    assert [(i["owner_id"], i["status"]) for i in minutes["action_items"]] == [("ann", "open"), ("bob", "open")]
    ann_item, bob_item = (i["item_id"] for i in minutes["action_items"])
    twice = await team.post(path, body, "mia", Role.MANAGER)
    assert twice.status_code == 409, "one record per occurrence"
    assert twice.json()["code"] == "minutes_recorded"
    assert datetime.fromisoformat(twice.json()["ctx"]["occurrence_start"]) == held_at

    def reminders(records: list[Any]) -> list[tuple[str, str]]:
        return [
            (r.json()["type"], r.json()["data"]["item_id"])
            for r in records
            if r.json()["type"] in ("ActionItemDue", "ActionItemOverdue")
        ]

    published = await team.events(lambda rs: ("ActionItemOverdue", ann_item) in reminders(rs), timeout=60)
    held = [e for e in published if e["type"] == "MeetingHeld"]
    assert [(e["subject"], e["data"]["action_item_ids"], e["data"]["decisions"]) for e in held] == [
        (meeting_id, [ann_item, bob_item], 1)
    ]

    async def settled() -> list[dict[str, Any]] | None:
        stored = {i["_id"]: i for i in await team.stored("action_items")}
        ann = stored[ann_item]
        return list(stored.values()) if ann["next_reminder_at"] is None else None

    stored = {i["_id"]: i for i in await eventually(settled, what="Ann's item to need no more reminders")}
    assert sorted(stored[ann_item]["reminders_raised"]) == ["due", "overdue"]
    assert stored[bob_item]["reminders_raised"] == [], "three days ahead: nothing yet"
    published = await team.events(lambda rs: ("ActionItemOverdue", ann_item) in reminders(rs))
    assert reminders([_Record(e) for e in published]) == [("ActionItemDue", ann_item), ("ActionItemOverdue", ann_item)]
    sent = [e for e in published if e["type"] in ("ActionItemDue", "ActionItemOverdue")]
    assert "Q4 price list" not in json.dumps(sent), "what the minutes say travels sealed for the item's owner"
    assert {(await team.opened(e))["text"] for e in sent} == {"Send the Q4 price list"}

    async def ann_reminders() -> list[str] | None:
        subjects = [str(m["Subject"]) for m in team.mailbox.to("ann@example.com")]
        wanted = ["待办即将到期：Send the Q4 price list", "待办已逾期：Send the Q4 price list"]
        return subjects if all(w in subjects for w in wanted) else None

    await eventually(ann_reminders, timeout=60, what="Ann's two reminders by email")
    bob_minutes = [m for m in team.mailbox.to("bob@example.com") if str(m["Subject"]).startswith("Minutes: ")]
    assert len(bob_minutes) == 1, "the minutes are announced once to each attendee"
    assert "1 decision and 2 action items" in text_of(bob_minutes[0])
    assert [str(m["Subject"]) for m in team.mailbox.to("ann@example.com") if "会议纪要" in str(m["Subject"])]

    assert (await team.get(path, "dan", Role.ASSISTANT)).status_code == 403
    listed = (await team.get(path, "bob", Role.ASSISTANT)).json()
    assert [(m["decisions"], len(m["action_items"])) for m in listed] == [(["Reports on Thursdays"], 2)]

    agenda = (await team.get(f"/v1/meetings/{meeting_id}/agenda", "mia", Role.MANAGER)).json()
    open_items = [p for p in agenda["talking_points"] if p.startswith("Open action item")]
    assert open_items[0].startswith("Open action item (Ann Assistant, overdue since ")
    assert open_items[0].endswith("): Send the Q4 price list")
    assert open_items[1].endswith("): Merge CRM duplicates")

    assert (await team.post(f"/v1/action-items/{bob_item}/done", {}, "ann", Role.ASSISTANT)).status_code == 403
    closed = await team.post(f"/v1/action-items/{bob_item}/done", {}, "bob", Role.ASSISTANT)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "done"
    done_again = await team.post(f"/v1/action-items/{bob_item}/done", {}, "bob", Role.ASSISTANT)
    assert (done_again.status_code, done_again.json()["code"]) == (409, "action_item_done")
    agenda = (await team.get(f"/v1/meetings/{meeting_id}/agenda", "mia", Role.MANAGER)).json()
    assert [p for p in agenda["talking_points"] if p.startswith("Open action item")] == open_items[:1]


class _Record:
    """A published event in the shape `reminders` reads."""

    def __init__(self, event: dict[str, Any]) -> None:
        self._event = event

    def json(self) -> dict[str, Any]:
        return self._event
