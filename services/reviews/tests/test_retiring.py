"""Retiring a course or a programme: offered to nobody new, what is under way goes on to the end, and it can be
restored; on the real stack."""

from __future__ import annotations

from typing import Any

from reviews_support import ReviewsWorld
from test_programmes import programme, progress, with_courses

from pacer_shared.auth import Role
from pacer_testkit.roster import person
from pacer_testkit.stack import eventually

DUE = "2031-01-31T00:00:00Z"


def refusal(answer: Any) -> tuple[int, str, str]:
    """A refusal as a client reads it: the status, the field it names and the reason's code."""
    [error] = answer.json()["errors"]
    return answer.status_code, error["field"], error["type"]


async def assign(world: ReviewsWorld, person_id: str, course_id: str) -> Any:
    body = {"person_id": person_id, "course_id": course_id, "due_at": DUE}
    return await world.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)


async def catalogue(world: ReviewsWorld) -> dict[str, Any]:
    answer = await world.call("GET", "/v1/training/catalogue", "ann", Role.ASSISTANT)
    return {c["course_id"]: c for c in answer.json()}


async def complete(world: ReviewsWorld, who: str, assignment_id: str, score: int | None = None) -> Any:
    body = {"score": score} if score is not None else None
    done = await world.call("POST", f"/v1/training/assignments/{assignment_id}/complete", who, Role.ASSISTANT, body)
    assert done.status_code == 200, done.text
    return done.json()


async def test_a_retired_course_is_assigned_to_nobody_new_while_open_ones_finish_and_it_can_be_restored(
    world: ReviewsWorld,
) -> None:
    await with_courses(world)
    launch = await programme(world, "Spring launch")  # welcome, then pricing-quiz
    enrolled = await world.call(
        "POST", f"/v1/training/programmes/{launch}/enrolments", "hana", Role.HR, {"person_ids": ["ann"]}
    )
    assert enrolled.status_code == 200, enrolled.text
    bobs = await assign(world, "bob", "pricing-quiz")
    assert bobs.status_code == 201, bobs.text

    by_manager = await world.call("POST", "/v1/training/courses/pricing-quiz/retire", "mia", Role.MANAGER)
    unknown = await world.call("POST", "/v1/training/courses/no-such-course/retire", "hana", Role.HR)
    retired = await world.call("POST", "/v1/training/courses/pricing-quiz/retire", "hana", Role.HR)
    again = await world.call("POST", "/v1/training/courses/pricing-quiz/retire", "hana", Role.HR)
    default = await world.call("POST", "/v1/training/courses/compliance/retire", "hana", Role.HR)
    assert (by_manager.status_code, unknown.status_code) == (403, 404)
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_at"] is not None
    assert again.json()["retired_at"] == retired.json()["retired_at"], "retiring twice keeps when it was"
    courses = await catalogue(world)
    assert courses["pricing-quiz"]["retired_at"] == retired.json()["retired_at"]
    assert courses["compliance"]["retired_at"] == default.json()["retired_at"] is not None
    assert courses["compliance"]["title"] == "Company policy: discounts, approvals and data protection"
    assert courses["welcome"]["retired_at"] is None

    # Offered to nobody new: not by a manager, not in a programme set up now.
    assert refusal(await assign(world, "bob", "pricing-quiz")) == (422, "body.course_id", "course_retired")
    assert refusal(await assign(world, "ann", "compliance")) == (422, "body.course_id", "course_retired")
    body = {"title": "Quiz again", "courses": [{"course_id": "pricing-quiz"}]}
    made = await world.call("POST", "/v1/training/programmes", "hana", Role.HR, body)
    assert refusal(made) == (422, "body.courses", "course_retired")
    # The programme that had it before keeps it (renamed, it still holds it); someone enrolled now skips it.
    renamed = {
        "title": "Spring launch 2031",
        "courses": [{"course_id": "welcome", "due_days": 3}, {"course_id": "pricing-quiz", "due_days": 10}],
    }
    changed = await world.call("PUT", f"/v1/training/programmes/{launch}", "hana", Role.HR, renamed)
    assert changed.status_code == 200, changed.text
    late = await world.call(
        "POST", f"/v1/training/programmes/{launch}/enrolments", "hana", Role.HR, {"person_ids": ["cid"]}
    )
    assert late.json()["enrolled"] == ["cid"]
    [cids] = await progress(world, "cid")
    assert [c["course_id"] for c in cids["courses"]] == ["welcome"]

    # Under way goes on: bob completes his, ann's programme brings her the retired course next, and she passes it.
    assert (await complete(world, "bob", bobs.json()["assignment_id"], 80))["completed_at"] is not None
    [anns] = await progress(world, "ann")
    await complete(world, "ann", anns["courses"][0]["assignment_id"])
    [anns] = await progress(world, "ann")
    statuses = [(c["course_id"], c["status"]) for c in anns["courses"]]
    assert statuses == [("welcome", "completed"), ("pricing-quiz", "due")]
    await complete(world, "ann", anns["courses"][1]["assignment_id"], 90)
    [anns] = await progress(world, "ann")
    assert anns["completed_at"] is not None

    restored = await world.call("POST", "/v1/training/courses/pricing-quiz/restore", "hana", Role.HR)
    assert restored.status_code == 200, restored.text
    assert restored.json()["retired_at"] is None
    assert (await assign(world, "bob", "pricing-quiz")).status_code == 201
    # Changing a retired course leaves it retired.
    welcome = {"title": "Welcome", "category": "onboarding", "duration_minutes": 60}
    assert (await world.call("PUT", "/v1/training/courses/compliance", "hana", Role.HR, welcome)).status_code == 200
    assert (await catalogue(world))["compliance"]["retired_at"] is not None


async def test_a_retired_programme_enrols_nobody_new_its_people_finish_and_a_retired_onboarding_one_stops_onboarding(
    world: ReviewsWorld,
) -> None:
    await with_courses(world)
    onboarding = await programme(world, "Onboarding", onboarding=True)
    path = f"/v1/training/programmes/{onboarding}"
    before = await world.call("POST", f"{path}/enrolments", "hana", Role.HR, {"person_ids": ["ann"]})
    assert before.json()["enrolled"] == ["ann"]

    by_assistant = await world.call("POST", f"{path}/retire", "ann", Role.ASSISTANT)
    retired = await world.call("POST", f"{path}/retire", "hana", Role.HR)
    assert by_assistant.status_code == 403
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_at"] is not None
    assert (retired.json()["onboarding"], retired.json()["onboarding_since"]) == (False, None)
    listed = await world.call("GET", "/v1/training/programmes", "ann", Role.ASSISTANT)
    assert [p["retired_at"] for p in listed.json()] == [retired.json()["retired_at"]]

    enrol = await world.call("POST", f"{path}/enrolments", "hana", Role.HR, {"person_ids": ["bob"]})
    assert refusal(enrol) == (422, "path.programme_id", "programme_retired")
    as_onboarding = {"title": "Onboarding", "courses": [{"course_id": "welcome"}], "onboarding": True}
    remarked = await world.call("PUT", path, "hana", Role.HR, as_onboarding)
    assert refusal(remarked) == (422, "body.onboarding", "programme_retired")

    # A newcomer while it is retired is onboarded by nothing.
    await world.publish(person("zoe", "assistant", "mia", "north"))

    async def sighted(person_id: str) -> bool:
        return any(a["_id"] == person_id for a in await world.stored("roster_arrivals"))

    await eventually(lambda: sighted("zoe"), what="zoe's arrival seen by the onboarding consumer")
    assert await progress(world, "zoe") == []

    # Ann, enrolled before, goes on to the end.
    [anns] = await progress(world, "ann")
    await complete(world, "ann", anns["courses"][0]["assignment_id"])
    [anns] = await progress(world, "ann")
    assert [c["status"] for c in anns["courses"]] == ["completed", "due"]

    restored = await world.call("POST", f"{path}/restore", "hana", Role.HR)
    assert (restored.json()["retired_at"], restored.json()["onboarding"]) == (None, False)
    enrol = await world.call("POST", f"{path}/enrolments", "hana", Role.HR, {"person_ids": ["bob"]})
    assert enrol.json()["enrolled"] == ["bob"]
    # Marked the onboarding one again, it onboards who appears from now on, not who came while it was retired.
    remarked = await world.call("PUT", path, "hana", Role.HR, as_onboarding)
    assert remarked.status_code == 200, remarked.text
    await world.publish(person("yan", "assistant", "mia", "north"))
    [yans] = await eventually(lambda: progress(world, "yan"), what="yan's onboarding")
    assert yans["programme_id"] == onboarding
    assert await progress(world, "zoe") == []
