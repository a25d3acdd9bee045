"""Retiring a course or a programme (hr): it is offered to nobody new, what is under way goes on to the end, and it
can be restored."""

from __future__ import annotations

from pacer_reviews.domain.programmes import Course
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.programmes import get_programme, require_hr
from pacer_shared.auth import Principal
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import NotFound


async def retire_course(reviews: Reviews, principal: Principal, course_id: str, retired: bool) -> Course:
    """Retire the course (`retired`) or restore it; retiring one already retired keeps the moment it was."""
    require_hr(principal)
    course = await reviews.catalogue.courses.get(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r} in the catalogue")
    if (course.retired_at is not None) == retired:
        return course
    now = reviews.runtime.clock.now()
    await reviews.catalogue.courses.set_retired(course, now if retired else None, principal.subject, now)
    stored = await reviews.catalogue.courses.get(course_id)  # the moment as stored (to the millisecond)
    assert stored is not None  # just written
    return stored


async def retire_programme(reviews: Reviews, principal: Principal, programme_id: str, retired: bool) -> Document:
    """Retire the programme (`retired`) or restore it.

    Retiring the onboarding programme also ends its onboarding: newcomers are enrolled in nothing until hr marks a
    programme as the onboarding one (this one once restored, or another), and only those who appear from then on.
    """
    require_hr(principal)
    now = reviews.runtime.clock.now()

    async def work(session: Session) -> None:
        found = await reviews.catalogue.programmes.get(programme_id, session)
        if found is None:
            raise NotFound(f"no programme {programme_id}")
        if (found.get("retired_at") is not None) == retired:
            return
        changed = {**found, "retired_at": now if retired else None, "updated_at": now}
        if retired:
            changed.update(onboarding=False, onboarding_since=None)
        await reviews.catalogue.programmes.put(changed, session)

    await reviews.runtime.uow.run(work)
    return await get_programme(reviews, programme_id)  # the moment as stored (to the millisecond)
