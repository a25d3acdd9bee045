"""Programmes: hr sets them up and assigns them to a population, the onboarding one is assigned by itself to each
newcomer the roster shows, and completing a course makes the next one due."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pacer_reviews.adapters.catalogue import programme_of
from pacer_reviews.domain.programmes import Population, Programme, Step, enrolment_id, is_newcomer
from pacer_reviews.service.assigning import assignment
from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.reviews import ProgrammeAssigned, ProgrammeCompleted, ProgrammeCourseDue
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable

ONBOARDING_BY = "onboarding"
"""Who assigned an onboarding programme's courses: no person did, the roster's newcomer did."""


def require_hr(principal: Principal) -> None:
    if not principal.has(Role.HR, Role.ADMIN):
        raise Forbidden("the training catalogue and programmes are managed by hr")


async def put_programme(
    reviews: Reviews, principal: Principal, programme_id: str | None, title: str, steps: list[Step], onboarding: bool
) -> Document:
    """Create a programme (no id) or replace one; enrolments keep the courses they started with."""
    require_hr(principal)
    programme = Programme(programme_id or str(uuid.uuid4()), title, tuple(steps), onboarding)
    now = reviews.runtime.clock.now()
    known = await reviews.catalogue.courses.many(programme.course_ids)
    if missing := [c for c in programme.course_ids if c not in known]:
        raise Unprocessable(f"courses: no course {', '.join(map(repr, missing))} in the catalogue")

    async def work(session: Session) -> Document:
        found = await reviews.catalogue.programmes.get(programme.programme_id, session)
        if programme_id is not None and found is None:
            raise NotFound(f"no programme {programme_id}")
        # A course retired since it was put in the programme may stay (new enrolments skip it); none is added anew.
        kept = {s["course_id"] for s in (found or {}).get("steps", [])}
        for course_id in programme.course_ids:
            if course_id not in kept:
                known[course_id].refuse_if_retired("body.courses")
        if onboarding and found is not None:
            programme_of(found).refuse_if_retired("body.onboarding")  # a retired one onboards nobody
        current = await reviews.catalogue.programmes.onboarding(session)
        if onboarding and current is not None and current["_id"] != programme.programme_id:
            raise Conflict(f"{current['title']!r} is the onboarding programme; make it an ordinary one first")
        # Newcomers are counted from the moment a programme became the onboarding one, never before.
        since = (found or {}).get("onboarding_since") if (found or {}).get("onboarding") else None
        document = {
            "_id": programme.programme_id,
            "title": title,
            "steps": [{"course_id": s.course_id, "due_days": s.due_days} for s in steps],
            "onboarding": onboarding,
            "onboarding_since": (since or now) if onboarding else None,
            "retired_at": (found or {}).get("retired_at"),
            "created_by": (found or {}).get("created_by", principal.subject),
            "updated_at": now,
        }
        await reviews.catalogue.programmes.put(document, session)
        return document

    return await reviews.runtime.uow.run(work)


async def get_programme(reviews: Reviews, programme_id: str) -> Document:
    found = await reviews.catalogue.programmes.get(programme_id)
    if found is None:
        raise NotFound(f"no programme {programme_id}")
    return found


async def enrol(
    reviews: Reviews, session: Session, programme_doc: Document, person_id: str, by: str | None, now: datetime
) -> list[Any]:
    """Enrol the person and assign the first course; nothing when they are enrolled already, or when every course of
    the programme is retired. Returns the events."""
    programme = await as_offered(reviews, programme_doc, session)
    if programme is None:
        return []
    enrolment = enrolment_id(programme.programme_id, person_id)
    if await reviews.catalogue.enrolments.get(enrolment, session) is not None:
        return []
    first = programme.steps[0]
    await reviews.catalogue.enrolments.add(
        {
            "_id": enrolment,
            "programme_id": programme.programme_id,
            "title": programme.title,
            "person_id": person_id,
            "steps": [{"course_id": s.course_id, "due_days": s.due_days} for s in programme.steps],
            "done": 0,
            "onboarding": by is None,
            "assigned_by": by,
            "assigned_at": now,
            "completed_at": None,
        },
        session,
    )
    assigned = ProgrammeAssigned(
        enrolment_id=enrolment,
        programme_id=programme.programme_id,
        title=programme.title,
        person_id=person_id,
        course_ids=programme.course_ids,
        onboarding=by is None,
        assigned_by=by,
    )
    course = await assignment(
        reviews,
        session,
        person_id,
        first.course_id,
        programme.due_at(first, now),
        by or ONBOARDING_BY,
        None,
        (programme.programme_id, enrolment),
    )
    return [assigned, course]


async def as_offered(reviews: Reviews, programme_doc: Document, session: Session | None = None) -> Programme | None:
    """The programme as a new enrolment takes it: without the courses retired since it was set up; none when every
    one of them is."""
    programme = programme_of(programme_doc)
    courses = await reviews.catalogue.courses.many(programme.course_ids, session)
    steps = programme.without({i for i, c in courses.items() if c.retired_at is not None})
    return replace(programme, steps=steps) if steps else None


async def enrol_population(
    reviews: Reviews, principal: Principal, programme_id: str, population: Population
) -> tuple[list[str], list[str]]:
    """Enrol everyone the population names, each in their own transaction; answers (enrolled, already enrolled)."""
    require_hr(principal)
    programme_doc = await get_programme(reviews, programme_id)
    programme_of(programme_doc).refuse_if_retired("path.programme_id")
    if await as_offered(reviews, programme_doc) is None:
        title = programme_doc["title"]
        raise Unprocessable(
            f"programme_id: every course of {title!r} is retired",
            field="path.programme_id",
            code="programme_courses_retired",
            ctx={"programme": title},
        )
    people = reviews.runtime.people
    chosen: dict[str, Document] = {}
    if population.team_id is not None or population.role is not None:
        found = (
            await people.team(population.team_id)
            if population.team_id is not None
            else await people.with_role(population.role or "")
        )
        chosen.update({p["_id"]: p for p in found if population.role is None or p.get("role") == population.role})
    listed = await people.many(population.person_ids)
    if unknown := sorted(population.person_ids - set(listed)):
        raise Unprocessable(f"population.person_ids: {', '.join(unknown)} not in the roster")
    if inactive := sorted(i for i, p in listed.items() if not p.get("active", True)):
        raise Unprocessable(f"population.person_ids: {', '.join(inactive)} no longer active")
    chosen.update(listed)
    enrolled: list[str] = []
    already: list[str] = []
    for person_id in sorted(chosen):

        async def work(session: Session, person_id: str = person_id) -> bool:
            events = await enrol(
                reviews, session, programme_doc, person_id, principal.subject, reviews.runtime.clock.now()
            )
            for event in events:
                reviews.runtime.uow.publish(session, event)
            return bool(events)

        (enrolled if await reviews.runtime.uow.run(work) else already).append(person_id)
    return enrolled, already


async def onboard_newcomers(reviews: Reviews, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
    """The onboarding programme for each assistant the roster shows for the first time since it was set up."""
    programme_doc = await reviews.catalogue.programmes.onboarding(session)
    for event in events:
        person = event.data
        first_seen = await reviews.catalogue.arrivals.sighted(person.person_id, event.time, session)
        if programme_doc is None or person.role != "assistant" or not person.active:
            continue
        if not is_newcomer(first_seen, programme_doc["onboarding_since"]):
            continue
        for made in await enrol(reviews, session, programme_doc, person.person_id, None, reviews.runtime.clock.now()):
            reviews.runtime.uow.publish(session, made)


async def next_course(reviews: Reviews, session: Session, completed: Document, now: datetime) -> list[Any]:
    """After a programme's course is completed: the next one falls due, or the programme is completed."""
    enrolment = await reviews.catalogue.enrolments.get(completed["enrolment_id"], session)
    if enrolment is None:
        return []  # erased with the person's data, or never recorded: nothing follows
    steps = tuple(Step(s["course_id"], s["due_days"]) for s in enrolment["steps"])
    programme = Programme(enrolment["programme_id"], enrolment["title"], steps)
    done = enrolment["done"] + 1
    following = programme.step_after(done)
    if following is None:
        await reviews.catalogue.enrolments.advance(enrolment["_id"], {"done": done, "completed_at": now}, session)
        return [
            ProgrammeCompleted(
                enrolment_id=enrolment["_id"],
                programme_id=programme.programme_id,
                title=programme.title,
                person_id=enrolment["person_id"],
                completed_at=now,
            )
        ]
    await reviews.catalogue.enrolments.advance(enrolment["_id"], {"done": done}, session)
    by = enrolment.get("assigned_by") or ONBOARDING_BY
    due_at = programme.due_at(following, now)
    ids = (programme.programme_id, enrolment["_id"])
    made = await assignment(
        reviews, session, enrolment["person_id"], following.course_id, due_at, by, None, ids, continuing=True
    )
    due = ProgrammeCourseDue(
        enrolment_id=enrolment["_id"],
        programme_id=programme.programme_id,
        title=programme.title,
        person_id=enrolment["person_id"],
        assignment_id=made.assignment_id,
        course_id=made.course_id,
        course_title=made.course_title,
        due_at=made.due_at,
        position=done + 1,
        courses=len(steps),
    )
    return [made, due]


async def progress_of(reviews: Reviews, person_id: str) -> list[Document]:
    """The person's programmes, oldest first, each course with its assignment once it fell due."""
    enrolments = await reviews.catalogue.enrolments.of_person(person_id)
    courses = await reviews.catalogue.courses.many(s["course_id"] for e in enrolments for s in e["steps"])
    shown = []
    for enrolment in enrolments:
        by_course = {a["course_id"]: a for a in await reviews.training.of_enrolment(enrolment["_id"])}
        steps = []
        for step in enrolment["steps"]:
            course = courses.get(step["course_id"])
            made = by_course.get(step["course_id"])
            status = "upcoming" if made is None else "completed" if made["completed_at"] else "due"
            steps.append(
                {
                    "course_id": step["course_id"],
                    "course_title": course.title if course else step["course_id"],
                    "pass_mark": course.pass_mark if course else None,
                    "status": status,
                    "assignment_id": made["_id"] if made else None,
                    "due_at": made["due_at"] if made else None,
                    "completed_at": made["completed_at"] if made else None,
                    "score": made.get("score") if made else None,
                }
            )
        shown.append(
            {
                "enrolment_id": enrolment["_id"],
                "programme_id": enrolment["programme_id"],
                "title": enrolment["title"],
                "onboarding": enrolment["onboarding"],
                "assigned_at": enrolment["assigned_at"],
                "completed_at": enrolment["completed_at"],
                "completed_courses": enrolment["done"],
                "courses": steps,
            }
        )
    return shown
