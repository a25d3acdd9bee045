"""Team meetings: scheduled by the team's manager or hr, changed and cancelled, each revision published for
notifications to send as an invitation (it writes the `invite.ics` from the event and its own roster)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pacer_reviews.domain.meetings import Meeting, MeetingRefused, Person, Schedule, attendees_of, utc
from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.reviews import (
    MeetingAttendanceCancelled,
    MeetingCadence,
    MeetingCancelled,
    MeetingChanged,
    MeetingScheduled,
)
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import cursor_after
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable


@dataclass(frozen=True)
class MeetingIn:
    team_id: str
    cadence: MeetingCadence
    weekday: int
    hour: int
    minute: int
    duration_minutes: int
    title: str | None
    timezone: str | None
    starts_on: date | None


@dataclass(frozen=True)
class MeetingChange:
    title: str | None
    cadence: MeetingCadence | None
    weekday: int | None
    hour: int | None
    minute: int | None
    duration_minutes: int | None
    timezone: str | None


AGENDA_LEAD = timedelta(days=1)
"""How long before an occurrence its agenda is built and sent."""

DEFAULT_TITLES = {
    MeetingCadence.WEEKLY: "Weekly team meeting",
    MeetingCadence.MONTHLY: "Monthly summary and plan",
    MeetingCadence.QUARTERLY: "Quarterly evaluation",
}


async def schedule(reviews: Reviews, principal: Principal, meeting: MeetingIn) -> Document:
    """A new recurring meeting of a team: its organizer is the team's manager, its attendees the team's members."""
    organizer_id = await _organizer(reviews, principal, meeting.team_id)
    organizer = await reviews.runtime.people.get(organizer_id)
    assert organizer is not None  # _organizer found them in the roster
    timezone = _zone(meeting.timezone or organizer.get("timezone") or "UTC")
    now = reviews.runtime.clock.now()
    starts_on = meeting.starts_on or now.astimezone(ZoneInfo(timezone)).date()
    plan = Schedule(
        meeting.cadence, meeting.weekday, meeting.hour, meeting.minute, meeting.duration_minutes, timezone, starts_on
    )
    entity = Meeting(
        meeting_id=str(uuid.uuid4()),
        team_id=meeting.team_id,
        title=meeting.title or DEFAULT_TITLES[meeting.cadence],
        schedule=plan,
        organizer=_person(organizer),
        attendees=await _attendees(reviews, meeting.team_id, organizer),
    )
    document = {
        **_document(entity),
        "created_by": principal.subject,
        "created_at": now,
        "changed_at": now,
        **_next_agenda(entity, now),
    }
    event = MeetingScheduled(**_plan_event(entity, now))

    async def work(session: Session) -> None:
        await reviews.meetings.add(document, session)
        reviews.runtime.uow.publish(session, event)

    await reviews.runtime.uow.run(work)
    return view(document, now)


async def change(reviews: Reviews, principal: Principal, meeting_id: str, wanted: MeetingChange) -> Document:
    """A new revision: the invitation goes again to the team as it is now, with the SEQUENCE one higher."""
    found = await load(reviews, meeting_id)
    await check_organizing(reviews, principal, found)
    entity = await _entity(reviews, found)
    current = entity.schedule
    plan = Schedule(
        wanted.cadence or current.cadence,
        _given(wanted.weekday, current.weekday),
        _given(wanted.hour, current.hour),
        _given(wanted.minute, current.minute),
        wanted.duration_minutes or current.duration_minutes,
        _zone(wanted.timezone) if wanted.timezone else current.timezone,
        current.starts_on,
    )
    before = list(entity.attendees)
    organizer = await reviews.runtime.people.get(entity.organizer.person_id)
    entity.attendees = await _attendees(reviews, entity.team_id, organizer or {"_id": entity.organizer.person_id})
    try:
        changes = entity.change(wanted.title, plan)
    except MeetingRefused as refused:
        raise Conflict(str(refused), code=refused.code) from refused
    if entity.attendees != before:  # the team changed in the roster: the new revision invites it as it is
        if not changes:
            entity.sequence += 1
        changes = [*changes, "attendees"]
    now = reviews.runtime.clock.now()
    if not changes:
        return view(found, now)
    document = {**found, **_document(entity), "changed_at": now}
    upcoming = _next_agenda(entity, now)
    if upcoming["occurrence_start"] != found.get("occurrence_start"):  # moved: its agenda is built (again) for it
        document |= upcoming
    event = MeetingChanged(**_plan_event(entity, now), changed_by=principal.subject, changes=changes)
    await _save(reviews, found, document, event)
    return view(document, now)


async def cancel(reviews: Reviews, principal: Principal, meeting_id: str, reason: str | None) -> Document:
    found = await load(reviews, meeting_id)
    await check_organizing(reviews, principal, found)
    entity = await _entity(reviews, found)
    try:
        entity.cancel()
    except MeetingRefused as refused:
        raise Conflict(str(refused), code=refused.code) from refused
    now = reviews.runtime.clock.now()
    document = {
        **found,
        **_document(entity),
        "changed_at": now,
        "cancelled_at": now,
        "cancel_reason": reason,
        "agenda_due_at": None,
    }
    event = MeetingCancelled(**_series(entity), cancelled_by=principal.subject, reason=reason)
    await _save(reviews, found, document, event)
    return view(document, now)


async def release_leavers(reviews: Reviews, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
    """Someone who left a meeting's team (or the company) is no longer invited: they get a CANCEL of their own
    attendance and the others the revision without them, both at the raised SEQUENCE. Read from the roster record
    itself, since the people projection may not have taken it in yet."""
    for event in events:
        person = event.data
        for found in await reviews.meetings.listed(None, "scheduled", None, person.person_id):
            if person.active and found["team_id"] == person.team_id:
                continue
            entity = await _entity(reviews, found)
            released = entity.release({person.person_id})
            if not released:
                continue  # the organizer stays; the team's manager changes the meeting or cancels it
            now = reviews.runtime.clock.now()
            document = {**found, **_document(entity), "changed_at": now}
            by = f"roster:{event.id}"
            cancelled = MeetingAttendanceCancelled(
                **_series(entity),
                released_ids=[person.person_id],
                reason="left_team" if person.active else "inactive",
            )
            changed = MeetingChanged(**_plan_event(entity, now), changed_by=by, changes=["attendees"])
            if not await reviews.meetings.replace(found, document, session):
                raise Conflict(f"meeting {found['_id']} was changed meanwhile")  # the batch is retried
            reviews.runtime.uow.publish(session, cancelled)
            reviews.runtime.uow.publish(session, changed)


async def listed(
    reviews: Reviews, principal: Principal, team_id: str | None, status: str | None, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """A page of meetings, newest first, and the next page's cursor: hr sees every team's meetings; a manager those
    of the teams they lead; everyone the meetings they attend."""
    visible = None
    if not principal.has(Role.HR):
        visible = (sorted(await reviews.runtime.people.teams_led_by(principal.subject)), principal.subject)
    found = await reviews.meetings.page(team_id, status, visible, cursor, limit + 1)
    now = reviews.runtime.clock.now()
    return [view(m, now) for m in found[:limit]], cursor_after(found, limit, "created_at")


async def one(reviews: Reviews, principal: Principal, meeting_id: str) -> Document:
    found = await load(reviews, meeting_id)
    if not await _may_see(reviews, principal, found):
        raise Forbidden("a meeting is seen by its attendees, the team's manager and hr")
    return view(found, reviews.runtime.clock.now())


def view(document: Document, now: datetime) -> Document:
    """The stored meeting as the API shows it, with its recurrence and next occurrence."""
    plan = schedule_of(document)
    upcoming = None
    if document["status"] == "scheduled":
        (start,) = plan.occurrences(now)
        upcoming = {"start": utc(start), "end": utc(start + plan.duration)}
    shown = {k: v for k, v in document.items() if k not in ("_id", "starts_on", "occurrence_start", "agenda_due_at")}
    return {"meeting_id": document["_id"], **shown, "rrule": plan.rrule, "next_occurrence": upcoming}


def schedule_of(document: Document) -> Schedule:
    return Schedule(
        MeetingCadence(document["cadence"]),
        document["weekday"],
        document["hour"],
        document["minute"],
        document["duration_minutes"],
        document["timezone"],
        date.fromisoformat(document["starts_on"]),
    )


# ---------------------------------------------------------------- helpers


async def _organizer(reviews: Reviews, principal: Principal, team_id: str) -> str:
    people = reviews.runtime.people
    if principal.has(Role.HR):
        lead = await _lead_of(reviews, team_id)
        if lead is None:
            raise Unprocessable(f"team_id: team {team_id!r} has no manager in the roster to organize its meetings")
        return lead
    if not await people.leads(principal.subject, team_id):
        raise Forbidden(f"a manager schedules meetings of the teams they lead, not of {team_id!r}")
    return principal.subject


async def _lead_of(reviews: Reviews, team_id: str) -> str | None:
    """The person the roster shows leading the team (by name, else as the manager of all its assistants)."""
    people = reviews.runtime.people
    members = await people.team(team_id)
    candidates: list[str] = [p["_id"] for p in members if p.get("role") == "manager"]
    candidates += sorted({str(p["manager_id"]) for p in members if p.get("manager_id")})
    for candidate in dict.fromkeys(candidates):
        if await people.leads(candidate, team_id):
            return candidate
    return None


async def _attendees(reviews: Reviews, team_id: str, organizer: Document) -> list[Person]:
    members = [_person(p) for p in await reviews.runtime.people.team(team_id)]
    return attendees_of(members, _person(organizer))


async def _entity(reviews: Reviews, document: Document) -> Meeting:
    """The stored meeting with the names and addresses the roster has for its people now (never stored here)."""
    known = await reviews.runtime.people.many([document["organizer_id"], *document["attendee_ids"]])

    def person(person_id: str) -> Person:
        found = known.get(person_id)
        return _person(found) if found is not None else Person(person_id, person_id, None)

    return Meeting(
        meeting_id=document["_id"],
        team_id=document["team_id"],
        title=document["title"],
        schedule=schedule_of(document),
        organizer=person(document["organizer_id"]),
        attendees=[person(p) for p in document["attendee_ids"]],
        sequence=document["sequence"],
        status=document["status"],
    )


def _person(document: Document) -> Person:
    return Person(document["_id"], document.get("display_name") or document["_id"], document.get("email"))


def _document(meeting: Meeting) -> Document:
    plan = meeting.schedule
    return {
        "_id": meeting.meeting_id,
        "team_id": meeting.team_id,
        "title": meeting.title,
        "cadence": plan.cadence.value,
        "weekday": plan.weekday,
        "hour": plan.hour,
        "minute": plan.minute,
        "duration_minutes": plan.duration_minutes,
        "timezone": plan.timezone,
        "starts_on": plan.starts_on.isoformat(),
        "organizer_id": meeting.organizer.person_id,
        "attendee_ids": [a.person_id for a in meeting.attendees],
        "sequence": meeting.sequence,
        "status": meeting.status,
    }


def _next_agenda(meeting: Meeting, now: datetime) -> Document:
    """The occurrence whose agenda comes next, and when to build it: a day before (at once if that has passed)."""
    upcoming = meeting.next_occurrence(now)
    assert upcoming is not None  # a scheduled meeting always has a next occurrence
    start = utc(upcoming[0])
    return {"occurrence_start": start, "agenda_due_at": start - AGENDA_LEAD}


def _about(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting_id": meeting.meeting_id,
        "team_id": meeting.team_id,
        "title": meeting.title,
        "cadence": meeting.schedule.cadence,
        "organizer_id": meeting.organizer.person_id,
        "attendee_ids": [a.person_id for a in meeting.attendees],
        "timezone": meeting.schedule.timezone,
        "sequence": meeting.sequence,
    }


def _series(meeting: Meeting) -> dict[str, Any]:
    """What the invitation says of the series: ids and times only, never a name or an address (notifications
    reads those from its own roster when it writes the `invite.ics`)."""
    plan = meeting.schedule
    return {
        **_about(meeting),
        "series_start": plan.first_start(),
        "duration_minutes": plan.duration_minutes,
        "rrule": plan.rrule,
    }


def _plan_event(meeting: Meeting, now: datetime) -> dict[str, Any]:
    plan = meeting.schedule
    upcoming = meeting.next_occurrence(now)
    assert upcoming is not None  # a scheduled meeting always has a next occurrence
    return {
        **_series(meeting),
        "weekday": plan.weekday,
        "hour": plan.hour,
        "minute": plan.minute,
        "occurrence_start": utc(upcoming[0]),
        "occurrence_end": utc(upcoming[1]),
    }


async def _save(reviews: Reviews, found: Document, document: Document, event: Any) -> None:
    async def work(session: Session) -> None:
        if not await reviews.meetings.replace(found, document, session):
            raise Conflict(
                f"meeting {found['_id']} was changed meanwhile; read it again and retry", code="changed_meanwhile"
            )
        reviews.runtime.uow.publish(session, event)

    await reviews.runtime.uow.run(work)


async def load(reviews: Reviews, meeting_id: str) -> Document:
    found = await reviews.meetings.get(meeting_id)
    if found is None:
        raise NotFound(f"no meeting {meeting_id}")
    return found


async def leads_team(reviews: Reviews, principal: Principal, team_id: str) -> bool:
    """hr, or the manager the roster names lead of the team: who organizes its meetings and reads what is private."""
    return principal.has(Role.HR) or await reviews.runtime.people.leads(principal.subject, team_id)


async def check_organizing(reviews: Reviews, principal: Principal, meeting: Document) -> None:
    if not await leads_team(reviews, principal, meeting["team_id"]):
        raise Forbidden("a meeting is changed by the team's manager or hr")


async def may_read_private(reviews: Reviews, principal: Principal, meeting: Document) -> bool:
    """The organizer, the team's manager and hr read each person's review result and the promotion recommendations in
    a quarterly agenda; other attendees read the team's counts only."""
    return principal.subject == meeting["organizer_id"] or await leads_team(reviews, principal, meeting["team_id"])


async def _may_see(reviews: Reviews, principal: Principal, meeting: Document) -> bool:
    return principal.subject in meeting["attendee_ids"] or await leads_team(reviews, principal, meeting["team_id"])


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Unprocessable(f"timezone: {name!r} is not an IANA time zone") from error
    return name


def _given(value: int | None, otherwise: int) -> int:
    return otherwise if value is None else value
