"""The training catalogue (hr changes it, everyone reads it), programmes and their progress."""

from __future__ import annotations

from fastapi import APIRouter, Path, status

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.programme_models import (
    COURSE_ID,
    CourseIn,
    CourseOut,
    EnrolmentOut,
    EnrolmentResult,
    PopulationIn,
    ProgrammeIn,
    ProgrammeOut,
    course_out,
)
from pacer_reviews.domain.programmes import Course, Population, Step
from pacer_reviews.service import programmes, retiring
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.mongo import Document
from pacer_shared.people import can_see_person
from pacer_shared.problems import Forbidden, NotFound, responses

router = APIRouter(prefix="/v1/training", tags=["reviews"], responses=RESPONSES)


@router.put("/courses/{course_id}", summary="Add a course or change one (hr)", responses=responses(403))
async def put_course(
    body: CourseIn,
    reviews: ReviewsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    course_id: str = Path(pattern=COURSE_ID),
) -> CourseOut:
    programmes.require_hr(principal)
    course = Course(course_id, body.title, body.category, body.duration_minutes, body.pass_mark)
    saved = await reviews.catalogue.courses.put(course, principal.subject, reviews.runtime.clock.now())
    await audit.record("course.changed", f"course/{course_id}")
    return course_out(saved)


@router.post(
    "/courses/{course_id}/retire",
    summary="Retire a course (hr): assigned to nobody new, nor in new enrolments; open assignments go on",
    responses=responses(403, 404),
)
async def retire_course(course_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep) -> CourseOut:
    retired = await retiring.retire_course(reviews, principal, course_id, retired=True)
    await audit.record("course.retired", f"course/{course_id}")
    return course_out(retired)


@router.post(
    "/courses/{course_id}/restore",
    summary="Restore a retired course (hr): it can be assigned again",
    responses=responses(403, 404),
)
async def restore_course(
    course_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> CourseOut:
    restored = await retiring.retire_course(reviews, principal, course_id, retired=False)
    await audit.record("course.restored", f"course/{course_id}")
    return course_out(restored)


@router.get("/programmes", summary="Programmes: courses in the order they fall due")
async def listed(reviews: ReviewsDep, _: CurrentPrincipal) -> list[ProgrammeOut]:
    return [_programme(p) for p in await reviews.catalogue.programmes.listed()]


@router.post(
    "/programmes", status_code=status.HTTP_201_CREATED, summary="Set up a programme (hr)", responses=responses(409)
)
async def create(body: ProgrammeIn, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep) -> ProgrammeOut:
    made = await programmes.put_programme(reviews, principal, None, body.title, _steps(body), body.onboarding)
    await audit.record("programme.changed", f"programme/{made['_id']}")
    return _programme(made)


@router.get("/programmes/{programme_id}", summary="One programme", responses=responses(404))
async def one(programme_id: str, reviews: ReviewsDep, _: CurrentPrincipal) -> ProgrammeOut:
    return _programme(await programmes.get_programme(reviews, programme_id))


@router.put(
    "/programmes/{programme_id}",
    summary="Change a programme (hr); who is enrolled keeps the courses they started with",
    responses=responses(404, 409),
)
async def change(
    programme_id: str, body: ProgrammeIn, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> ProgrammeOut:
    made = await programmes.put_programme(reviews, principal, programme_id, body.title, _steps(body), body.onboarding)
    await audit.record("programme.changed", f"programme/{programme_id}")
    return _programme(made)


@router.post(
    "/programmes/{programme_id}/retire",
    summary="Retire a programme (hr): nobody new is enrolled, and an onboarding one stops onboarding; who is enrolled"
    " goes on",
    responses=responses(403, 404),
)
async def retire_programme(
    programme_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> ProgrammeOut:
    retired = await retiring.retire_programme(reviews, principal, programme_id, retired=True)
    await audit.record("programme.retired", f"programme/{programme_id}")
    return _programme(retired)


@router.post(
    "/programmes/{programme_id}/restore",
    summary="Restore a retired programme (hr): people can be enrolled again (as an ordinary programme)",
    responses=responses(403, 404),
)
async def restore_programme(
    programme_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> ProgrammeOut:
    restored = await retiring.retire_programme(reviews, principal, programme_id, retired=False)
    await audit.record("programme.restored", f"programme/{programme_id}")
    return _programme(restored)


@router.post(
    "/programmes/{programme_id}/enrolments",
    summary="Assign a programme to a team, a role or a list of people (hr)",
    responses=responses(404),
)
async def enrol(
    programme_id: str, body: PopulationIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> EnrolmentResult:
    population = Population(body.team_id, body.role, frozenset(body.person_ids))
    enrolled, already = await programmes.enrol_population(reviews, principal, programme_id, population)
    return EnrolmentResult(enrolled=enrolled, already_enrolled=already)


@router.get(
    "/enrolments",
    summary="A person's programmes and how far they are (the person, their manager, hr)",
    responses=responses(404),
)
async def progress(person_id: str, reviews: ReviewsDep, principal: CurrentPrincipal) -> list[EnrolmentOut]:
    person = await reviews.runtime.people.get(person_id)
    if person is None:
        raise NotFound(f"person {person_id!r} is not in the roster")
    if not can_see_person(principal, person):
        raise Forbidden("a person's programmes are seen by them, their manager and hr")
    return [EnrolmentOut.model_validate(e) for e in await programmes.progress_of(reviews, person_id)]


def _steps(body: ProgrammeIn) -> list[Step]:
    return [Step(s.course_id, s.due_days) for s in body.courses]


def _programme(document: Document) -> ProgrammeOut:
    return ProgrammeOut(
        programme_id=document["_id"],
        title=document["title"],
        courses=document["steps"],
        onboarding=document["onboarding"],
        onboarding_since=document.get("onboarding_since"),
        retired_at=document.get("retired_at"),
    )
