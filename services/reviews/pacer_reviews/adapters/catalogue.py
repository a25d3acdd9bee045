"""The training catalogue's collections: courses hr changed or added, programmes, enrolments and the roster's first
sightings of each person (for onboarding)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument

from pacer_reviews.domain.programmes import DEFAULT_COURSES, Course, Programme, Step
from pacer_shared.events.reviews import TrainingCategory
from pacer_shared.mongo import Database, Document, IndexPlan, Session

COURSES = "courses"
"""Courses as hr wrote them; a default course hr never touched is not stored and reads as DEFAULT_COURSES has it."""
PROGRAMMES = "programmes"
ENROLMENTS = "programme_enrolments"
ARRIVALS = "roster_arrivals"
"""When the roster first showed each person: the earliest record time seen, so a replay finds the same moment."""

INDEXES: IndexPlan = {
    PROGRAMMES: [IndexModel([("onboarding", ASCENDING)], name="onboarding")],
    ENROLMENTS: [IndexModel([("person_id", ASCENDING), ("assigned_at", ASCENDING)], name="by_person")],
}


class Courses:
    def __init__(self, db: Database) -> None:
        self._collection = db[COURSES]

    async def get(self, course_id: str, session: Session | None = None) -> Course | None:
        found = await self._collection.find_one({"_id": course_id}, session=session)
        return _course(found) if found else DEFAULT_COURSES.get(course_id)

    async def many(self, course_ids: Iterable[str], session: Session | None = None) -> dict[str, Course]:
        ids = set(course_ids)
        found = self._collection.find({"_id": {"$in": sorted(ids)}}, session=session)
        stored = {d["_id"]: _course(d) async for d in found}
        return {**{i: c for i, c in DEFAULT_COURSES.items() if i in ids}, **stored}

    async def all(self) -> list[Course]:
        stored = {d["_id"]: _course(d) async for d in self._collection.find({})}
        return sorted({**DEFAULT_COURSES, **stored}.values(), key=lambda c: (c.category, c.title))

    async def put(self, course: Course, by: str, at: datetime) -> Course:
        """Write what hr says of the course; whether it is retired stays as it was. Answers the course as stored."""
        document = {
            "title": course.title,
            "category": course.category.value,
            "duration_minutes": course.duration_minutes,
            "pass_mark": course.pass_mark,
            "updated_by": by,
            "updated_at": at,
        }
        stored = await self._collection.find_one_and_update(
            {"_id": course.course_id}, {"$set": document}, upsert=True, return_document=ReturnDocument.AFTER
        )
        assert stored is not None  # upserted
        return _course(stored)

    async def set_retired(self, course: Course, retired_at: datetime | None, by: str, at: datetime) -> None:
        """Retire (a time) or restore (None) the course; a default course is stored with it, as hr changed it."""
        document = {
            "title": course.title,
            "category": course.category.value,
            "duration_minutes": course.duration_minutes,
            "pass_mark": course.pass_mark,
            "retired_at": retired_at,
            "updated_by": by,
            "updated_at": at,
        }
        await self._collection.replace_one({"_id": course.course_id}, document, upsert=True)


def _course(document: Document) -> Course:
    return Course(
        document["_id"],
        document["title"],
        TrainingCategory(document["category"]),
        document["duration_minutes"],
        document.get("pass_mark"),
        document.get("retired_at"),
    )


class Programmes:
    def __init__(self, db: Database) -> None:
        self._collection = db[PROGRAMMES]

    async def get(self, programme_id: str, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"_id": programme_id}, session=session)

    async def listed(self) -> list[Document]:
        return await self._collection.find({}).sort([("title", ASCENDING), ("_id", ASCENDING)]).to_list()

    async def onboarding(self, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"onboarding": True}, session=session)

    async def put(self, document: Document, session: Session) -> None:
        await self._collection.replace_one({"_id": document["_id"]}, document, upsert=True, session=session)


def programme_of(document: Document) -> Programme:
    steps = tuple(Step(s["course_id"], s["due_days"]) for s in document["steps"])
    return Programme(
        document["_id"], document["title"], steps, document.get("onboarding", False), document.get("retired_at")
    )


class Enrolments:
    def __init__(self, db: Database) -> None:
        self._collection = db[ENROLMENTS]

    async def get(self, enrolment_id: str, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"_id": enrolment_id}, session=session)

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def advance(self, enrolment_id: str, changes: Document, session: Session) -> None:
        await self._collection.update_one({"_id": enrolment_id}, {"$set": changes}, session=session)

    async def of_person(self, person_id: str) -> list[Document]:
        return await self._collection.find({"person_id": person_id}).sort("assigned_at", ASCENDING).to_list()


class Arrivals:
    def __init__(self, db: Database) -> None:
        self._collection = db[ARRIVALS]

    async def sighted(self, person_id: str, at: datetime, session: Session) -> datetime:
        """Record a roster record's time and answer the person's first sighting: the earliest ever seen."""
        found = await self._collection.find_one_and_update(
            {"_id": person_id},
            {"$min": {"first_seen": at}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        assert found is not None  # upserted
        first: datetime = found["first_seen"]
        return first


class Catalogue:
    """The four collections together, as the training use cases reach them."""

    def __init__(self, db: Database) -> None:
        self.courses = Courses(db)
        self.programmes = Programmes(db)
        self.enrolments = Enrolments(db)
        self.arrivals = Arrivals(db)
