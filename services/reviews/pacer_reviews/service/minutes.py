"""Minutes of a meeting's occurrence: notes, decisions and action items, which remind their owners and stay on the
next agendas until done."""

from __future__ import annotations

import contextlib
import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pacer_reviews.domain.action_items import Reminder, first_look, next_reminder
from pacer_reviews.domain.meetings import utc
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.meetings import check_organizing, leads_team, load, one, schedule_of
from pacer_shared.auth import Principal
from pacer_shared.events.reviews import ActionItemDue, ActionItemOverdue, MeetingCadence, MeetingHeld
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable
from pacer_shared.waiting import poll


@dataclass(frozen=True)
class ItemIn:
    text: str
    owner_id: str
    due_at: datetime


@dataclass(frozen=True)
class MinutesIn:
    occurrence_start: datetime | None
    notes: str
    decisions: list[str]
    action_items: list[ItemIn]


async def record(reviews: Reviews, principal: Principal, meeting_id: str, minutes: MinutesIn) -> Document:
    """The minutes of one occurrence that has begun (by default the latest), once; `MeetingHeld` announces it."""
    meeting = await load(reviews, meeting_id)
    await check_organizing(reviews, principal, meeting)
    now = reviews.runtime.clock.now()
    occurrence = _occurrence(meeting, minutes.occurrence_start, now)
    strangers = sorted({i.owner_id for i in minutes.action_items} - set(meeting["attendee_ids"]))
    if strangers:
        raise Unprocessable(f"action_items: owners must be attendees of the meeting, not {', '.join(strangers)}")
    lead = timedelta(hours=reviews.settings.action_item_reminder_hours)
    items = [
        {
            "_id": str(uuid.uuid4()),
            "meeting_id": meeting_id,
            "team_id": meeting["team_id"],
            "meeting_title": meeting["title"],
            "organizer_id": meeting["organizer_id"],
            "occurrence_start": occurrence,
            "text": item.text,
            "owner_id": item.owner_id,
            "due_at": utc(item.due_at),
            "status": "open",
            "created_by": principal.subject,
            "created_at": now,
            "next_reminder_at": first_look(utc(item.due_at), lead),
            "reminders_raised": [],
        }
        for item in minutes.action_items
    ]
    document = {
        "_id": f"{meeting_id}:{occurrence.isoformat()}",
        "meeting_id": meeting_id,
        "occurrence_start": occurrence,
        "notes": minutes.notes,
        "decisions": minutes.decisions,
        "recorded_by": principal.subject,
        "recorded_at": now,
        "action_item_ids": [i["_id"] for i in items],
    }
    held = MeetingHeld(
        meeting_id=meeting_id,
        team_id=meeting["team_id"],
        title=meeting["title"],
        cadence=MeetingCadence(meeting["cadence"]),
        organizer_id=meeting["organizer_id"],
        attendee_ids=meeting["attendee_ids"],
        timezone=meeting["timezone"],
        sequence=meeting["sequence"],
        occurrence_start=occurrence,
        recorded_by=principal.subject,
        decisions=len(minutes.decisions),
        action_item_ids=document["action_item_ids"],
    )

    async def work(session: Session) -> None:
        if not await reviews.minutes.add(document, session):
            raise Conflict(
                f"the minutes of {occurrence.isoformat()} are already recorded",
                code="minutes_recorded",
                ctx={"occurrence_start": occurrence.isoformat()},
            )
        await reviews.action_items.add_many(items, session)
        reviews.runtime.uow.publish(session, held)

    await reviews.runtime.uow.run(work)
    return _shown(document, items)


async def of_meeting(reviews: Reviews, principal: Principal, meeting_id: str) -> list[Document]:
    await one(reviews, principal, meeting_id)  # seen by attendees, the team's manager and hr
    found = await reviews.minutes.of_meeting(meeting_id)
    return [_shown(m, await reviews.action_items.of_occurrence(meeting_id, m["occurrence_start"])) for m in found]


async def done(reviews: Reviews, principal: Principal, item_id: str) -> Document:
    """The owner, the team's manager or hr closes an item: it leaves the agendas and reminds no more."""
    item = await reviews.action_items.get(item_id)
    if item is None:
        raise NotFound(f"no action item {item_id}")
    if principal.subject != item["owner_id"] and not await leads_team(reviews, principal, item["team_id"]):
        raise Forbidden("an action item is closed by its owner, the team's manager or hr")
    now = reviews.runtime.clock.now()
    if not await reviews.action_items.close(item_id, now, principal.subject):
        raise Conflict(f"action item {item_id} is already done", code="action_item_done")
    return _item({**item, "status": "done", "done_at": now, "done_by": principal.subject})


def _occurrence(meeting: Document, given: datetime | None, now: datetime) -> datetime:
    plan = schedule_of(meeting)
    if given is None:
        latest = plan.previous(now)
        if latest is None:
            raise Unprocessable("occurrence_start: no occurrence of this meeting has begun yet")
        return utc(latest)
    (match,) = plan.occurrences(given - timedelta(seconds=1))
    if utc(match) != utc(given):
        raise Unprocessable(f"occurrence_start: the meeting does not take place at {given.isoformat()}")
    if given > now:
        raise Unprocessable("occurrence_start: minutes are recorded once the occurrence has begun")
    return utc(given)


def _shown(minutes: Document, items: list[Document]) -> Document:
    shown = {k: v for k, v in minutes.items() if k not in ("_id", "action_item_ids")}
    return {**shown, "action_items": [_item(i) for i in items]}


def _item(item: Document) -> Document:
    fields = ("meeting_id", "text", "owner_id", "due_at", "status", "created_by", "created_at", "done_at", "done_by")
    return {"item_id": item["_id"], **{f: item.get(f) for f in fields}}


# ---------------------------------------------------------------- reminders


class ActionItemWorker:
    """Reminds an open item's owner once as it falls due and once when it is overdue, whichever replica looks."""

    def __init__(self, reviews: Reviews) -> None:
        self._reviews = reviews

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._reviews.settings.scheduler_poll_seconds, "action item worker")

    async def run_once(self) -> None:
        now = self._reviews.runtime.clock.now()
        for item in await self._reviews.action_items.reminders_due(now, 200):
            with contextlib.suppress(_Taken):
                await self._reviews.runtime.uow.run(functools.partial(self._remind, item, now))

    async def _remind(self, item: Document, now: datetime, session: Session) -> None:
        lead = timedelta(hours=self._reviews.settings.action_item_reminder_hours)
        raised = frozenset(Reminder(r) for r in item.get("reminders_raised", []))
        decided = next_reminder(item["due_at"], raised, now, lead)
        sent = sorted(str(r) for r in raised | ({decided.send} if decided.send else set()))
        if not await self._reviews.action_items.move_reminder(item, decided.then_at, sent, session):
            raise _Taken
        if decided.send is not None:
            event = ActionItemDue if decided.send is Reminder.DUE else ActionItemOverdue
            self._reviews.runtime.uow.publish(session, event.model_validate(_about(item)))


def _about(item: Document) -> dict[str, Any]:
    fields = ("meeting_id", "team_id", "meeting_title", "text", "owner_id", "organizer_id", "due_at")
    return {"item_id": item["_id"], **{f: item[f] for f in fields}}


class _Taken(Exception):
    """Another replica moved this item's reminder on first."""
