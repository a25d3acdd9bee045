"""A team meeting's agenda, built a day before each occurrence from the projections reviews keeps, and sent."""

from __future__ import annotations

import contextlib
import functools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from pacer_reviews.domain.meeting_agenda import (
    AgendaFacts,
    Occasion,
    OpenItem,
    OwnedGoal,
    Promotion,
    QuarterlyReviewFacts,
    TeamAgenda,
    Win,
    team_agenda,
)
from pacer_reviews.domain.meetings import utc
from pacer_reviews.service.agenda import goal_facts, training_facts
from pacer_reviews.service.context import Reviews, reader_locale
from pacer_reviews.service.meetings import AGENDA_LEAD, may_read_private, one, schedule_of
from pacer_shared.auth import Principal
from pacer_shared.events import Event
from pacer_shared.events.incentives import ActingLeadAssigned, PromotionRecommended, RecognitionGranted
from pacer_shared.events.reviews import MeetingAgendaReady, MeetingCadence
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import NotFound
from pacer_shared.talking_points import by_id, localise, people_in
from pacer_shared.waiting import poll


def agenda_due(occurrence_start: datetime) -> datetime:
    return occurrence_start - AGENDA_LEAD


async def agenda_of(
    reviews: Reviews, principal: Principal, meeting_id: str, locale: str | None = None
) -> dict[str, Any]:
    """The agenda sent for the coming occurrence; before it is sent, a preview built now from the same facts; its
    talking points worded in the reader's language."""
    meeting = await one(reviews, principal, meeting_id)
    upcoming = meeting["next_occurrence"]
    found = await reviews.meetings.get(meeting_id)
    assert found is not None  # `one` found it
    sent = await reviews.agendas.latest(meeting_id)
    if sent is not None and (upcoming is None or sent["occurrence_start"] == upcoming["start"]):
        status, agenda = "sent", TeamAgenda.model_validate(sent["agenda"])
    elif upcoming is None:
        raise NotFound(f"meeting {meeting_id} is cancelled and had no agenda sent")
    else:
        status, agenda = "preview", await build(reviews, found, upcoming["start"])
    if not await may_read_private(reviews, principal, found):
        agenda = agenda.for_team()
    worded = localise(agenda.model_dump(mode="json"), await reader_locale(reviews, principal, locale))
    return {"status": status, **worded}


async def build(reviews: Reviews, meeting: Document, occurrence_start: datetime) -> TeamAgenda:
    now = reviews.runtime.clock.now()
    plan = schedule_of(meeting)
    zone = plan.zone
    since = plan.previous(occurrence_start) or meeting["created_at"]
    people = meeting["attendee_ids"]
    owners = [*people, meeting["team_id"]]
    known = await reviews.runtime.people.many(people)
    names = {pid: (known.get(pid) or {}).get("display_name") or pid for pid in people}
    names[meeting["team_id"]] = f"Team {meeting['team_id']}"
    (after,) = plan.occurrences(occurrence_start)  # training due before the meeting after this one is discussed now
    achieved = await reviews.goals.of_owners(owners, achieved=(since, now))
    facts = AgendaFacts(
        names=names,
        goals=[_owned(g) for g in await reviews.goals.of_owners(owners, running=(since, occurrence_start))],
        wins=[Win(g["owner_id"], "goal_achieved", g.get("title") or g["_id"], g["outcome_at"]) for g in achieved]
        + [
            Win(r["person_id"], r["kind"], r["name"], r["at"])
            for r in await reviews.recognitions.granted(people, since, now)
        ],
        feedback_tags=[f.get("tags", []) for f in await reviews.feedback.received_by(people, since, now)],
        training=[
            (t["person_id"], training_facts(t)) for t in await reviews.training.open_of(people) if t["due_at"] < after
        ],
        action_items=[_item(i) for i in await reviews.action_items.open_of(meeting["_id"])],
        **(await _month(reviews, owners, occurrence_start, zone) if plan.cadence is MeetingCadence.MONTHLY else {}),
        **(await _quarter(reviews, people, occurrence_start, zone) if plan.cadence is MeetingCadence.QUARTERLY else {}),
    )
    occasion = Occasion(
        meeting_id=meeting["_id"],
        team_id=meeting["team_id"],
        title=meeting["title"],
        cadence=plan.cadence,
        timezone=plan.timezone,
        occurrence_start=occurrence_start,
        since=since,
        now=now,
    )
    return team_agenda(occasion, facts)


async def _month(reviews: Reviews, owners: list[str], occurrence_start: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """Last month (the one before the meeting's) against plan, and the month ahead (the meeting's own: a monthly
    meeting falls in its first week)."""
    local = occurrence_start.astimezone(zone).date()
    this_month = local.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    start, middle, end = (_midnight(d, zone) for d in (last_month, this_month, next_month))
    return {
        "month_start": start,
        "last_month": [_owned(g) for g in await reviews.goals.of_owners(owners, ending=(start, middle))],
        "next_month": [_owned(g) for g in await reviews.goals.of_owners(owners, starting=(middle, end))],
    }


async def _quarter(reviews: Reviews, people: list[str], occurrence_start: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """The quarter before the meeting's (a quarterly meeting falls in its quarter's first weeks): the reviews of the
    cycle that covered it, and the promotions recommended since it began. A review's period ends at midnight in the
    person's own zone, so a day's slack either side keeps the neighbouring quarters' reviews out."""
    local = occurrence_start.astimezone(zone).date()
    this_quarter = local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1)
    last_quarter = (this_quarter - timedelta(days=1)).replace(day=1)
    last_quarter = last_quarter.replace(month=(last_quarter.month - 1) // 3 * 3 + 1)
    start, end = _midnight(last_quarter, zone), _midnight(this_quarter, zone)
    ending = await reviews.reviews.ending_in(people, start + timedelta(days=1), end + timedelta(days=1))
    return {
        "quarter_start": start,
        "quarter_name": f"{last_quarter.year}-Q{(last_quarter.month - 1) // 3 + 1}",
        "reviews": [
            QuarterlyReviewFacts(
                r["person_id"],
                r["status"],
                Decimal(r["result"]["score"]) if "result" in r else None,
                r["result"]["label"] if "result" in r else None,
            )
            for r in ending
        ],
        "promotions": [
            Promotion(p["person_id"], p["rule"], p["evidence"], p["at"])
            for p in await reviews.promotions.of(people, start)
        ],
    }


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return utc(datetime(day.year, day.month, day.day, tzinfo=zone))


def _owned(goal: Document) -> OwnedGoal:
    return OwnedGoal(goal["owner_id"], goal_facts(goal), goal.get("period_start"), goal.get("period_end"))  # type: ignore[arg-type]


def _item(item: Document) -> OpenItem:
    return OpenItem(item["_id"], item["text"], item["owner_id"], item["due_at"], item["occurrence_start"])


async def record_leadership(
    reviews: Reviews,
    events: list[Event[RecognitionGranted | PromotionRecommended | ActingLeadAssigned]],
    session: Session,
) -> None:
    """Keep what a team meeting celebrates (a recognition granted as private is never shown to a team), the promotion
    recommendations its quarterly review discusses in private, and acting-lead assignments for reviews' evidence."""
    for event in events:
        data = event.data
        if isinstance(data, RecognitionGranted):
            if data.private:
                continue
            facts = {"person_id": data.person_id, "kind": data.kind, "name": data.name, "at": event.time}
            await reviews.recognitions.record(data.recognition_id, facts, session)
        elif isinstance(data, PromotionRecommended):
            facts = {"person_id": data.person_id, "rule": data.rule, "evidence": data.evidence, "at": event.time}
            await reviews.promotions.record(event.id, facts, session)
        else:
            facts = {
                "person_id": data.person_id,
                "scope": data.scope,
                "scope_name": data.scope_name,
                "starts_on": data.starts_on.isoformat(),
                "ends_on": data.ends_on.isoformat(),
            }
            await reviews.acting_leads.record(data.assignment_id, facts, session)


# ---------------------------------------------------------------- the worker


class AgendaWorker:
    """Builds and sends each occurrence's agenda a day before it, once, whichever replica gets there first."""

    def __init__(self, reviews: Reviews) -> None:
        self._reviews = reviews

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._reviews.settings.scheduler_poll_seconds, "agenda worker")

    async def run_once(self) -> None:
        now = self._reviews.runtime.clock.now()
        for meeting in await self._reviews.meetings.agenda_due(now, 50):
            with contextlib.suppress(_Taken):
                await self._send(meeting, now)

    async def _send(self, meeting: Document, now: datetime) -> None:
        reviews = self._reviews
        plan = schedule_of(meeting)
        occurrence = meeting["occurrence_start"]
        (following,) = plan.occurrences(occurrence)
        # An occurrence that passed while no worker ran gets no agenda: a late agenda is noise.
        agenda = await build(reviews, meeting, occurrence) if occurrence > now else None

        async def work(session: Session) -> None:
            if not await reviews.meetings.move_agenda(meeting, utc(following), agenda_due(utc(following)), session):
                raise _Taken
            if agenda is None:
                return
            document = {
                "_id": f"{meeting['_id']}:{occurrence.isoformat()}",
                "meeting_id": meeting["_id"],
                "occurrence_start": occurrence,
                "person_ids": sorted({*meeting["attendee_ids"], *(g.owner_id for g in agenda.goals)}),
                "agenda": agenda.model_dump(mode="json"),
                "built_at": now,
            }
            await reviews.agendas.add(document, session)
            points = [by_id(p) for p in agenda.points]
            reviews.runtime.uow.publish(
                session,
                MeetingAgendaReady(
                    meeting_id=meeting["_id"],
                    team_id=meeting["team_id"],
                    title=meeting["title"],
                    cadence=plan.cadence,
                    organizer_id=meeting["organizer_id"],
                    attendee_ids=meeting["attendee_ids"],
                    timezone=plan.timezone,
                    sequence=meeting["sequence"],
                    occurrence_start=occurrence,
                    occurrence_end=occurrence + plan.duration,
                    person_ids=sorted(people_in(points)),
                    points=points,  # the outbox seals them for every person they name
                ),
            )

        await reviews.runtime.uow.run(functools.partial(work))


class _Taken(Exception):
    """Another replica moved this meeting's agenda on first."""
