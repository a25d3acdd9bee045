"""The reviews service's collections, their indexes, and the repositories that hold every query on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.errors import DuplicateKeyError

from pacer_shared.events import Event
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalEvent,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    OwnerKind,
)
from pacer_shared.mongo import Database, Document, IndexPlan, Session
from pacer_shared.paging import newest_first_after

TEMPLATES = "templates"
CYCLES = "cycles"
REVIEWS = "reviews"
GOALS = "goal_outcomes"
"""What reviews learn of goals from their events: numbers, pace, outcome, warnings and cancellation per goal."""
FEEDBACK = "feedback_received"
ANONYMOUS = "anonymous_aggregates"
ASSIGNMENTS = "training_assignments"
MEETINGS = "meetings"
AGENDAS = "meeting_agendas"
RECOGNITIONS = "recognitions"
MINUTES = "meeting_minutes"
ACTION_ITEMS = "action_items"
"""What a meeting decided someone does by a date; open until done, reminded once when due and once when overdue."""
"""Recognitions granted to people (badges, awards, kudos): what a team meeting celebrates as wins."""

OPEN_STATUSES = ("scheduled", "self_submitted")
"""A review still waiting for an assessment."""

INDEXES: IndexPlan = {
    TEMPLATES: [IndexModel([("name", ASCENDING), ("version", ASCENDING)], unique=True, name="by_version")],
    CYCLES: [IndexModel([("next_open_at", ASCENDING)], sparse=True, name="due")],
    REVIEWS: [
        IndexModel([("person_id", ASCENDING), ("period_end", ASCENDING)], name="by_person"),
        IndexModel([("cycle_id", ASCENDING)], name="by_cycle"),
        IndexModel([("next_due_at", ASCENDING)], sparse=True, name="due"),
    ],
    GOALS: [IndexModel([("owner_id", ASCENDING), ("period_end", ASCENDING)], name="by_owner")],
    FEEDBACK: [IndexModel([("recipient_id", ASCENDING), ("at", ASCENDING)], name="by_recipient")],
    ANONYMOUS: [IndexModel([("manager_id", ASCENDING), ("window_start", ASCENDING)], name="by_manager")],
    ASSIGNMENTS: [
        IndexModel([("person_id", ASCENDING), ("completed_at", ASCENDING)], name="by_person"),
        IndexModel([("person_id", ASCENDING), ("due_at", ASCENDING), ("_id", ASCENDING)], name="by_person_due"),
        IndexModel([("enrolment_id", ASCENDING)], sparse=True, name="by_enrolment"),
        IndexModel([("remind_at", ASCENDING)], sparse=True, name="reminder_due"),
    ],
    MEETINGS: [
        IndexModel([("team_id", ASCENDING), ("status", ASCENDING)], name="by_team"),
        IndexModel([("attendee_ids", ASCENDING)], name="by_attendee"),
        IndexModel([("agenda_due_at", ASCENDING)], sparse=True, name="agenda_due"),
    ],
    AGENDAS: [IndexModel([("meeting_id", ASCENDING), ("occurrence_start", ASCENDING)], name="by_meeting")],
    RECOGNITIONS: [IndexModel([("person_id", ASCENDING), ("at", ASCENDING)], name="by_person")],
    MINUTES: [IndexModel([("meeting_id", ASCENDING), ("occurrence_start", ASCENDING)], name="by_meeting")],
    ACTION_ITEMS: [
        IndexModel([("meeting_id", ASCENDING), ("status", ASCENDING)], name="by_meeting"),
        IndexModel([("next_reminder_at", ASCENDING)], sparse=True, name="due"),
    ],
}


class Templates:
    """Review templates, one document per version (`<name>:v<version>`)."""

    def __init__(self, db: Database) -> None:
        self._collection = db[TEMPLATES]

    async def latest(self, name: str) -> Document | None:
        return await self._collection.find_one({"name": name}, sort=[("version", -1)])

    async def get(self, template_id: str) -> Document | None:
        return await self._collection.find_one({"_id": template_id})

    async def latest_of_each(self, after: str | None, limit: int) -> list[Document]:
        """The newest version of each template, by name, from just after the name `after`."""
        start = [{"$match": {"name": {"$gt": after}}}] if after is not None else []
        found = await self._collection.aggregate(
            [
                *start,
                {"$sort": {"name": 1, "version": -1}},
                {"$group": {"_id": "$name", "latest": {"$first": "$$ROOT"}}},
                {"$sort": {"_id": 1}},
                {"$limit": limit},
            ]
        )
        return [group["latest"] async for group in found]

    async def versions(self, name: str) -> list[Document]:
        """Every version of one template, newest first."""
        return await self._collection.find({"name": name}).sort("version", -1).to_list()

    async def add(self, document: Document) -> bool:
        """False when another save took this version first."""
        try:
            await self._collection.insert_one(document)
        except DuplicateKeyError:
            return False
        return True


class Cycles:
    """Review cycles; a recurring one carries `next_open_at`, when its next period opens."""

    def __init__(self, db: Database) -> None:
        self._collection = db[CYCLES]

    async def recent(self, after: tuple[str, str] | None, limit: int) -> list[Document]:
        """Latest period first (then id), from just after the (period_start, id) `after`."""
        query: dict[str, Any] = {}
        if after is not None:
            start, cycle_id = after
            query = {"$or": [{"period_start": {"$lt": start}}, {"period_start": start, "_id": {"$lt": cycle_id}}]}
        return await self._collection.find(query).sort([("period_start", -1), ("_id", -1)]).limit(limit).to_list()

    async def exists(self, cycle_id: str, session: Session) -> bool:
        return await self._collection.find_one({"_id": cycle_id}, session=session) is not None

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def due(self, now: datetime) -> list[Document]:
        return await self._collection.find({"next_open_at": {"$lte": now}}).to_list()

    async def take(self, claim: Document, next_open_at: datetime | None, session: Session) -> bool:
        """Move the next opening on from `claim` (id and `next_open_at`); False if another writer already did."""
        moved = await self._collection.update_one(claim, {"$set": {"next_open_at": next_open_at}}, session=session)
        return moved.matched_count > 0


class CycleReviews:
    """One review per person and cycle; `next_due_at` is the next step deadline the worker watches."""

    def __init__(self, db: Database) -> None:
        self._collection = db[REVIEWS]
        self._cycles = db[CYCLES]

    async def get(self, review_id: str, session: Session | None = None) -> Document | None:
        found = await self._collection.find_one({"_id": review_id}, session=session)
        return (await self._with_days([found], session))[0] if found else None

    async def _with_days(self, reviews: list[Document], session: Session | None = None) -> list[Document]:
        """Reviews scheduled before they kept their period's days take them from their cycle, whose dates they are."""
        undated = {r["cycle_id"] for r in reviews if "period_first_day" not in r}
        if not undated:
            return reviews
        cycles = {
            c["_id"]: c
            async for c in self._cycles.find(
                {"_id": {"$in": list(undated)}}, {"period_start": 1, "period_end": 1}, session=session
            )
        }
        for review in reviews:
            if "period_first_day" not in review:
                cycle = cycles[review["cycle_id"]]
                last = date.fromisoformat(cycle["period_end"]) - timedelta(days=1)
                review.update(period_first_day=cycle["period_start"], period_last_day=last.isoformat())
        return reviews

    async def statuses(self, cycle_ids: list[str]) -> list[Document]:
        """The status and overdue steps of every review of these cycles."""
        return await self._collection.find(
            {"cycle_id": {"$in": cycle_ids}}, {"cycle_id": 1, "status": 1, "overdue_raised": 1}
        ).to_list()

    async def statuses_of(self, cycle_id: str) -> list[Document]:
        return await self._collection.find({"cycle_id": cycle_id}, {"status": 1, "overdue_raised": 1}).to_list()

    async def listed(
        self, wanted: Document, involving: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[Document]:
        """Newest period first (then id), without the assessments, from just after the (period_end, id) `after`;
        `wanted` is the fields' values asked for, `involving` keeps the person's own and their reports'."""
        clauses: list[Document] = [{k: v for k, v in wanted.items() if v}]
        if involving is not None:
            clauses.append({"$or": [{"person_id": involving}, {"manager_id": involving}]})
        if after is not None:
            end, review_id = after
            clauses.append({"$or": [{"period_end": {"$lt": end}}, {"period_end": end, "_id": {"$lt": review_id}}]})
        found = self._collection.find({"$and": clauses}, {"self": 0, "manager": 0})
        return await self._with_days(await found.sort([("period_end", -1), ("_id", -1)]).limit(limit).to_list())

    async def add_many(self, documents: list[Document], session: Session) -> None:
        await self._collection.insert_many(documents, session=session)

    async def update(self, review_id: str, changes: Document, session: Session) -> None:
        await self._collection.update_one({"_id": review_id}, {"$set": changes}, session=session)

    async def acknowledge(self, review_id: str, acknowledgement: Document) -> None:
        await self._collection.update_one(
            {"_id": review_id, "status": "completed"},
            {"$set": {"status": "acknowledged", "acknowledgement": acknowledgement}},
        )

    async def follow_manager(self, person_id: str, manager_id: str | None, at: int, session: Session) -> None:
        """Give the person's open reviews this manager, unless a review follows a roster record newer than `at`."""
        await self._collection.update_many(
            {"person_id": person_id, "status": {"$in": list(OPEN_STATUSES)}, "manager_as_of_us": {"$not": {"$gt": at}}},
            {"$set": {"manager_id": manager_id, "manager_as_of_us": at}},
            session=session,
        )

    async def due(self, now: datetime, limit: int) -> list[Document]:
        """The reviews whose next step deadline has come, the earliest first."""
        return (
            await self._collection.find({"next_due_at": {"$lte": now}})
            .sort("next_due_at", ASCENDING)
            .limit(limit)
            .to_list()
        )

    async def move_deadline(
        self, review: Document, next_due_at: datetime | None, overdue_raised: list[str], session: Session
    ) -> bool:
        """Move the review's next deadline on from the one it was read with; False if another writer already did."""
        moved = await self._collection.update_one(
            {"_id": review["_id"], "next_due_at": review["next_due_at"]},
            {"$set": {"next_due_at": next_due_at, "overdue_raised": overdue_raised}},
            session=session,
        )
        return moved.matched_count > 0

    async def ending_in(self, person_ids: list[str], start: datetime, end: datetime) -> list[Document]:
        """The reviews of these people whose period ends after `start` and by `end`, without the assessments."""
        found = self._collection.find(
            {"person_id": {"$in": person_ids}, "period_end": {"$gt": start, "$lte": end}},
            {"person_id": 1, "status": 1, "result.score": 1, "result.label": 1, "period_end": 1},
        )
        return await found.sort("period_end", ASCENDING).to_list()


class GoalOutcomes:
    """Per goal: its latest numbers and pace, its outcome, its latest at-risk warning and any cancellation."""

    def __init__(self, db: Database) -> None:
        self._collection = db[GOALS]

    async def record(self, events: Sequence[Event[GoalEvent]], session: Session) -> None:
        writes: list[UpdateOne] = []
        for event in events:
            data = event.data
            update: dict[str, Any] = {
                "$set": {"owner_id": data.owner_id, "owner_kind": data.owner_kind.value, **_facts(data, event.time)}
            }
            if isinstance(data, GoalAtRisk):
                update["$inc"] = {"at_risk_warnings": 1}
            writes.append(UpdateOne({"_id": data.goal_id}, update, upsert=True))
            # Only a newer event moves the title, the period (an adjustment moves its end) and the numbers: late or
            # redelivered older ones change nothing.
            about = {"title": data.title or "", "period_start": data.period_start, "period_end": data.period_end}
            writes.append(
                UpdateOne(
                    {"_id": data.goal_id, **_not_after(event.time, "about_at")},
                    {"$set": {**about, "about_at": event.time}},
                )
            )
            if numbers := _numbers(data, event.time):
                writes.append(UpdateOne({"_id": data.goal_id, **_not_after(event.time, "progress_at")}, numbers))
            if isinstance(data, GoalAtRisk):
                warning = {"level": data.level, "pace_ratio": data.pace_ratio, "at": event.time}
                writes.append(
                    UpdateOne(
                        {"_id": data.goal_id, **_not_after(event.time, "at_risk.at")}, {"$set": {"at_risk": warning}}
                    )
                )
        if writes:
            await self._collection.bulk_write(writes, session=session, ordered=True)

    async def closed_in(self, person_id: str, start: datetime, end: datetime) -> list[Document]:
        """The person's goals that ended in the period with an outcome and were not cancelled."""
        return (
            await self._collection.find(
                {
                    "owner_id": person_id,
                    "owner_kind": OwnerKind.ASSISTANT.value,
                    "outcome": {"$exists": True},
                    "cancelled_at": {"$exists": False},  # achieved early, then cancelled: no longer one of the period's
                    "period_end": {"$gt": start, "$lte": end},
                }
            )
            .sort("_id", 1)
            .to_list()
        )

    async def overlapping(self, person_id: str, start: datetime, end: datetime) -> list[Document]:
        """The person's goals whose period overlaps this one and that were not cancelled."""
        query = {
            "owner_id": person_id,
            "owner_kind": OwnerKind.ASSISTANT.value,
            "period_end": {"$gt": start},
            "period_start": {"$lt": end},
            "cancelled_at": {"$exists": False},
        }
        return await self._collection.find(query).sort("_id", 1).to_list()

    async def of_owners(self, owner_ids: list[str], **period: Any) -> list[Document]:
        """Goals of these owners (people, and a team by its id) not cancelled, whose period matches `period`:
        `running=(start, end)` overlaps it, `ending=(start, end)` ends in it, `starting=(start, end)` starts in it,
        `achieved=(start, end)` was achieved in it."""
        query: dict[str, Any] = {"owner_id": {"$in": owner_ids}, "cancelled_at": {"$exists": False}}
        if "running" in period:
            query |= {"period_end": {"$gt": period["running"][0]}, "period_start": {"$lt": period["running"][1]}}
        if "ending" in period:
            query |= {"period_end": {"$gt": period["ending"][0], "$lte": period["ending"][1]}}
        if "starting" in period:
            query |= {"period_start": {"$gte": period["starting"][0], "$lt": period["starting"][1]}}
        if "achieved" in period:
            query |= {
                "outcome": "achieved",
                "outcome_at": {"$gte": period["achieved"][0], "$lt": period["achieved"][1]},
            }
        return await self._collection.find(query).sort("_id", 1).limit(1000).to_list()


def _facts(data: GoalEvent, at: datetime) -> dict[str, Any]:
    if isinstance(data, GoalAchieved | GoalMissed):
        return {"outcome": "achieved" if isinstance(data, GoalAchieved) else "missed", "outcome_at": at}
    if isinstance(data, GoalSet):
        return {"unit": data.unit}
    if isinstance(data, GoalCancelled):
        return {"cancelled_at": at}
    return {}


def _numbers(data: GoalEvent, at: datetime) -> dict[str, Any] | None:
    if isinstance(data, GoalProgressed | GoalAtRisk):
        numbers = {"actual": data.actual, "target": data.target, "expected_by_now": data.expected_by_now}
        return {"$set": {**numbers, "progress_at": at}}
    if isinstance(data, GoalAchieved | GoalMissed):
        return {"$set": {"actual": data.actual, "target": data.target, "progress_at": at}}
    if isinstance(data, GoalSet):
        return {"$set": {"target": data.target, "progress_at": at}}
    if isinstance(data, GoalAdjusted):
        # The pace figure was for the old target; the next progress brings the new one.
        return {"$set": {"target": data.new_target, "progress_at": at}, "$unset": {"expected_by_now": ""}}
    return None


def _not_after(at: datetime, field: str) -> dict[str, Any]:
    return {"$or": [{field: {"$lte": at}}, {field: {"$exists": False}}]}


class ReceivedFeedback:
    """Named feedback a person received: its kind and tags, never its text."""

    def __init__(self, db: Database) -> None:
        self._collection = db[FEEDBACK]

    async def record(self, feedback_id: str, facts: Document, session: Session) -> None:
        """Keep the first delivery of this feedback; a redelivery changes nothing."""
        await self._collection.update_one({"_id": feedback_id}, {"$setOnInsert": facts}, upsert=True, session=session)

    async def received(self, person_id: str, start: datetime, end: datetime) -> list[Document]:
        return (
            await self._collection.find({"recipient_id": person_id, "at": {"$gte": start, "$lt": end}})
            .sort("_id", 1)
            .to_list()
        )

    async def received_by(self, person_ids: list[str], start: datetime, end: datetime) -> list[Document]:
        """What these people received in the period: kind and tags only."""
        return await self._collection.find(
            {"recipient_id": {"$in": person_ids}, "at": {"$gte": start, "$lt": end}}, {"kind": 1, "tags": 1}
        ).to_list()


class AnonymousAggregates:
    """Released anonymous feedback, one document per release: counts and themes, never the texts."""

    def __init__(self, db: Database) -> None:
        self._collection = db[ANONYMOUS]

    async def record(self, release_id: str, aggregate: Document, session: Session) -> None:
        """Keep the first delivery of this release; a redelivery changes nothing."""
        await self._collection.update_one(
            {"_id": release_id}, {"$setOnInsert": aggregate}, upsert=True, session=session
        )

    async def released(self, manager_id: str, start: datetime, end: datetime) -> list[Document]:
        """Releases before `end` about this manager's subjects, of windows overlapping the period."""
        return await self._collection.find(
            {"manager_id": manager_id, "window_start": {"$lt": end}, "window_end": {"$gt": start}, "at": {"$lt": end}},
            {"texts": 0},
        ).to_list()


class TrainingAssignments:
    """Courses assigned to a person, open until they complete them (`completed_at`)."""

    def __init__(self, db: Database) -> None:
        self._collection = db[ASSIGNMENTS]

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def get(self, assignment_id: str, session: Session) -> Document | None:
        return await self._collection.find_one({"_id": assignment_id}, session=session)

    async def complete(self, assignment_id: str, at: datetime, score: Decimal | None, session: Session) -> None:
        changes = {"completed_at": at, "score": score}
        attempt = {"score": score, "at": at}
        update: Document = {"$set": changes, "$unset": {"remind_at": ""}}  # completed: nothing to remind of
        if score is not None:
            update["$push"] = {"attempts": attempt}
        await self._collection.update_one({"_id": assignment_id}, update, session=session)

    async def attempted(self, assignment_id: str, score: Decimal, at: datetime, session: Session) -> None:
        """An assessment below its pass mark: kept, and the course stays open."""
        attempt = {"score": score, "at": at}
        await self._collection.update_one({"_id": assignment_id}, {"$push": {"attempts": attempt}}, session=session)

    async def reminders_due(self, now: datetime, limit: int) -> list[Document]:
        """Open assignments whose reminder is due by now, the earliest first (read from the sparse index)."""
        found = self._collection.find({"remind_at": {"$lte": now}}).sort("remind_at", ASCENDING)
        return await found.limit(limit).to_list()

    async def take_reminder(self, found: Document, at: datetime, session: Session) -> bool:
        """False when another replica took this reminder first."""
        taken = await self._collection.update_one(
            {"_id": found["_id"], "remind_at": found["remind_at"]},
            {"$unset": {"remind_at": ""}, "$set": {"reminded_at": at}},
            session=session,
        )
        return taken.modified_count == 1

    async def plan_earlier_reminders(self, now: datetime, lead: timedelta) -> int:
        """Give each open assignment made before reminders existed (no `assigned_at`, never given a `remind_at`) the
        reminder it would have had, a lead before it is due (now, if that has passed); those already past due get
        none. Answers how many it planned; running it again plans nothing twice."""
        earlier = {
            "assigned_at": {"$exists": False},
            "remind_at": {"$exists": False},
            "reminded_at": {"$exists": False},
            "completed_at": None,
            "due_at": {"$gt": now},
        }
        planned = 0
        found = self._collection.find(earlier, {"due_at": 1})
        while batch := await found.to_list(500):
            writes = [
                UpdateOne({"_id": d["_id"], **earlier}, {"$set": {"remind_at": d["due_at"] - lead}}) for d in batch
            ]
            planned += (await self._collection.bulk_write(writes, ordered=False)).modified_count
        return planned

    async def of_enrolment(self, enrolment_id: str) -> list[Document]:
        return await self._collection.find({"enrolment_id": enrolment_id}).to_list()

    async def of_person(self, person_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Document]:
        """The person's assignments by due date (then id), from just after the (due, id) `after`."""
        wanted: Document = {"person_id": person_id}
        if after is not None:
            due, assignment_id = after
            wanted["$or"] = [{"due_at": {"$gt": due}}, {"due_at": due, "_id": {"$gt": assignment_id}}]
        found = self._collection.find(wanted).sort([("due_at", ASCENDING), ("_id", ASCENDING)])
        return await found.limit(limit).to_list()

    async def open_for(self, person_id: str) -> list[Document]:
        return await self._collection.find({"person_id": person_id, "completed_at": None}).to_list()

    async def open_of(self, person_ids: list[str]) -> list[Document]:
        return await self._collection.find({"person_id": {"$in": person_ids}, "completed_at": None}).to_list()

    async def open_summaries(self, person_id: str) -> list[Document]:
        """The person's open assignments: id, course and due date only."""
        return await self._collection.find(
            {"person_id": person_id, "completed_at": None}, {"_id": 1, "course_id": 1, "due_at": 1}
        ).to_list()


class Meetings:
    """Team meetings, one document per recurring meeting; `sequence` is its revision (the iCalendar SEQUENCE)."""

    def __init__(self, db: Database) -> None:
        self._collection = db[MEETINGS]

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def get(self, meeting_id: str) -> Document | None:
        return await self._collection.find_one({"_id": meeting_id})

    async def replace(self, found: Document, document: Document, session: Session) -> bool:
        """Store the next revision of the meeting read as `found`; False if another revision came first."""
        replaced = await self._collection.replace_one(
            {"_id": found["_id"], "sequence": found["sequence"]}, document, session=session
        )
        return replaced.matched_count > 0

    async def listed(
        self, team_id: str | None, status: str | None, teams: list[str] | None, attending: str | None
    ) -> list[Document]:
        """By team and status; `teams` and `attending` (when given) keep those of these teams or with this attendee."""
        query: dict[str, Any] = {k: v for k, v in {"team_id": team_id, "status": status}.items() if v}
        if teams is not None or attending is not None:
            query["$or"] = [{"team_id": {"$in": teams or []}}, {"attendee_ids": attending}]
        return await self._collection.find(query).sort([("team_id", 1), ("created_at", 1)]).limit(500).to_list()

    async def page(
        self,
        team_id: str | None,
        status: str | None,
        visible: tuple[list[str], str] | None,
        cursor: str | None,
        limit: int,
    ) -> list[Document]:
        """Newest first (then by id) from just after `cursor`, by team and status; `visible` (teams, attendee) keeps
        those of these teams or with this attendee."""
        query: dict[str, Any] = {k: v for k, v in {"team_id": team_id, "status": status}.items() if v}
        if visible is not None:
            teams, attendee = visible
            query["$or"] = [{"team_id": {"$in": teams}}, {"attendee_ids": attendee}]
        query = {"$and": [query, newest_first_after(cursor, "created_at")]}
        found = self._collection.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        return await found.limit(limit).to_list()

    async def agenda_due(self, now: datetime, limit: int) -> list[Document]:
        """Scheduled meetings whose next agenda should be built by now, the earliest first."""
        return (
            await self._collection.find({"agenda_due_at": {"$lte": now}, "status": "scheduled"})
            .sort("agenda_due_at", ASCENDING)
            .limit(limit)
            .to_list()
        )

    async def move_agenda(
        self, found: Document, occurrence_start: datetime, agenda_due_at: datetime, session: Session
    ) -> bool:
        """Move the next agenda on from the one `found` was read with; False if another writer already did."""
        moved = await self._collection.update_one(
            {"_id": found["_id"], "agenda_due_at": found["agenda_due_at"]},
            {"$set": {"occurrence_start": occurrence_start, "agenda_due_at": agenda_due_at}},
            session=session,
        )
        return moved.matched_count > 0


class MeetingAgendas:
    """The agenda sent for each occurrence of a meeting (`<meeting id>:<occurrence start>`)."""

    def __init__(self, db: Database) -> None:
        self._collection = db[AGENDAS]

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.replace_one({"_id": document["_id"]}, document, upsert=True, session=session)

    async def latest(self, meeting_id: str) -> Document | None:
        return await self._collection.find_one({"meeting_id": meeting_id}, sort=[("occurrence_start", -1)])


class Recognitions:
    """Recognitions granted to people, as incentives announced them; private ones are never kept for a team."""

    def __init__(self, db: Database) -> None:
        self._collection = db[RECOGNITIONS]

    async def record(self, recognition_id: str, facts: Document, session: Session) -> None:
        await self._collection.update_one(
            {"_id": recognition_id}, {"$setOnInsert": facts}, upsert=True, session=session
        )

    async def granted(self, person_ids: list[str], start: datetime, end: datetime) -> list[Document]:
        return (
            await self._collection.find({"person_id": {"$in": person_ids}, "at": {"$gte": start, "$lt": end}})
            .sort("at", ASCENDING)
            .to_list()
        )


class ActionItems:
    """Action items from meetings' minutes; `next_reminder_at` is when the worker next looks at an open one."""

    def __init__(self, db: Database) -> None:
        self._collection = db[ACTION_ITEMS]

    async def add_many(self, documents: list[Document], session: Session) -> None:
        if documents:
            await self._collection.insert_many(documents, session=session)

    async def get(self, item_id: str) -> Document | None:
        return await self._collection.find_one({"_id": item_id})

    async def open_of(self, meeting_id: str) -> list[Document]:
        return (
            await self._collection.find({"meeting_id": meeting_id, "status": "open"})
            .sort("due_at", ASCENDING)
            .to_list()
        )

    async def of_occurrence(self, meeting_id: str, occurrence_start: datetime) -> list[Document]:
        return (
            await self._collection.find({"meeting_id": meeting_id, "occurrence_start": occurrence_start})
            .sort("_id", ASCENDING)
            .to_list()
        )

    async def close(self, item_id: str, at: datetime, by: str) -> bool:
        done = await self._collection.update_one(
            {"_id": item_id, "status": "open"},
            {"$set": {"status": "done", "done_at": at, "done_by": by, "next_reminder_at": None}},
        )
        return done.matched_count > 0

    async def reminders_due(self, now: datetime, limit: int) -> list[Document]:
        return (
            await self._collection.find({"next_reminder_at": {"$lte": now}})
            .sort("next_reminder_at", ASCENDING)
            .limit(limit)
            .to_list()
        )

    async def move_reminder(
        self, item: Document, next_reminder_at: datetime | None, raised: list[str], session: Session
    ) -> bool:
        """Move the item's next reminder on from the one it was read with; False if another writer already did."""
        moved = await self._collection.update_one(
            {"_id": item["_id"], "next_reminder_at": item["next_reminder_at"]},
            {"$set": {"next_reminder_at": next_reminder_at, "reminders_raised": raised}},
            session=session,
        )
        return moved.matched_count > 0


class MeetingMinutes:
    """The minutes of each occurrence (`<meeting id>:<occurrence start>`), recorded once."""

    def __init__(self, db: Database) -> None:
        self._collection = db[MINUTES]

    async def add(self, document: Document, session: Session) -> bool:
        """False when this occurrence's minutes are already recorded."""
        try:
            await self._collection.insert_one(document, session=session)
        except DuplicateKeyError:
            return False
        return True

    async def of_meeting(self, meeting_id: str) -> list[Document]:
        return await self._collection.find({"meeting_id": meeting_id}).sort("occurrence_start", -1).limit(100).to_list()
