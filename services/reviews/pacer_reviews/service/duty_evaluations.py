"""Quarterly duty evaluations: the manager scores each duty of the person's role profile; the trend across quarters."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from pacer_reviews.domain.duty_evaluations import EvaluationError, Quarter, average, check_scores, trend
from pacer_reviews.service import role_profiles
from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role
from pacer_shared.events.reviews import DutyEvaluationRecorded
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable


async def _person(reviews: Reviews, person_id: str) -> Document:
    person = await reviews.runtime.people.get(person_id)
    if person is None:
        raise NotFound(f"no person {person_id} in the roster")
    return person


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except EvaluationError as error:
        raise Unprocessable(str(error)) from error


async def record(
    reviews: Reviews, principal: Principal, person_id: str, quarter_text: str, scores: dict[str, int], comment: str
) -> Document:
    """Score (or correct the scores of) one quarter. The first score pins the role profile version current then,
    so a correction after hr changed the duties still scores the duties that quarter was evaluated against."""
    quarter = _quarter(quarter_text)
    person = await _person(reviews, person_id)
    if principal.subject == person_id or not (principal.subject == person.get("manager_id") or principal.has(Role.HR)):
        raise Forbidden("a person's manager (or hr) scores their duties, never the person themselves")
    now = reviews.runtime.clock.now()
    if quarter.first_day > now.astimezone(ZoneInfo(person.get("timezone") or "UTC")).date():
        raise Unprocessable(f"quarter: {quarter} has not begun in the person's time zone")
    evaluation_id = f"{person_id}:{quarter}"

    async def work(session: Session) -> Document:
        before = await reviews.evaluations.get(evaluation_id, session)
        pinned = before and await role_profiles.get(reviews, before["profile_id"])
        profile = pinned or await role_profiles.for_role(reviews, person["role"])
        if profile is None:
            raise Unprocessable(f"no role profile describes the roster role {person['role']!r}: hr saves one")
        try:
            check_scores(role_profiles.profile_of(profile).duties, scores)
        except EvaluationError as error:
            raise Unprocessable(f"{error} ({profile['_id']})") from error
        revision = before["revision"] + 1 if before else 1
        document = {
            "_id": evaluation_id,
            "person_id": person_id,
            "manager_id": person.get("manager_id"),
            "quarter": str(quarter),
            "profile_id": profile["_id"],
            "scores": scores,
            "average": str(average(scores)),
            "comment": comment,
            "revision": revision,
            "recorded_by": principal.subject,
            "recorded_at": now,
            "first_recorded_at": before["first_recorded_at"] if before else now,
        }
        if await reviews.evaluations.save(document, revision, session) is None:
            raise Conflict(
                "the scores were corrected by someone else just now; read them and try again", code="changed_meanwhile"
            )
        recorded = DutyEvaluationRecorded(
            evaluation_id=evaluation_id,
            person_id=person_id,
            manager_id=person.get("manager_id"),
            quarter=str(quarter),
            profile_id=profile["_id"],
            scores=scores,
            average=average(scores),
            revision=revision,
            recorded_by=principal.subject,
        )
        reviews.runtime.uow.publish(session, recorded)
        return document

    return await reviews.runtime.uow.run(work)


async def trend_of(reviews: Reviews, principal: Principal, person_id: str) -> dict[str, Any]:
    """Every quarter evaluated for the person, and per duty of their current profile a line across the quarters.
    Seen by the person, their manager and hr."""
    person = await _person(reviews, person_id)
    own = principal.subject == person_id
    if not (own or principal.subject == person.get("manager_id") or principal.has(Role.HR, Role.ADMIN)):
        raise Forbidden("duty evaluations are seen by the person, their manager and hr")
    profile = await role_profiles.for_role(reviews, person["role"])
    duties = role_profiles.profile_of(profile).duties if profile else []
    found = await reviews.evaluations.of_person(person_id)
    quarters = sorted(found, key=lambda e: Quarter.parse(e["quarter"]))
    lines = trend(duties, [(e["quarter"], e["scores"]) for e in quarters])
    return {
        "person_id": person_id,
        "profile_id": profile["_id"] if profile else None,
        "duties": [{"key": d.key, "name": d.name} for d in duties],
        "quarters": [
            {k: e[k] for k in ("quarter", "profile_id", "scores", "average", "comment", "revision", "recorded_at")}
            for e in quarters
        ],
        "series": {key: [asdict(point) for point in points] for key, points in lines.items()},
    }
