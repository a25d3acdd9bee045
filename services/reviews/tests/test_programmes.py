"""The training catalogue through the API, programmes assigned to a population, onboarding assigned by itself to
newcomers, and assessment scores, on the real stack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from reviews_support import ReviewsWorld

from pacer_shared.auth import Role
from pacer_testkit.outlets import Mailbox, outlets, text_of
from pacer_testkit.roster import member, person
from pacer_testkit.stack import eventually
from pacer_testkit.world import RunningService, ServiceWorld

WELCOME = {"title": "Welcome to the sales floor", "category": "onboarding", "duration_minutes": 90}
QUIZ = {"title": "Pricing, with a quiz", "category": "product", "duration_minutes": 45, "pass_mark": 70}


async def with_courses(world: ReviewsWorld) -> None:
    for course_id, body in (("welcome", WELCOME), ("pricing-quiz", QUIZ)):
        made = await world.call("PUT", f"/v1/training/courses/{course_id}", "hana", Role.HR, body)
        assert made.status_code == 200, made.text


async def programme(world: ReviewsWorld, title: str, onboarding: bool = False) -> str:
    body = {
        "title": title,
        "courses": [{"course_id": "welcome", "due_days": 3}, {"course_id": "pricing-quiz", "due_days": 10}],
        "onboarding": onboarding,
    }
    made = await world.call("POST", "/v1/training/programmes", "hana", Role.HR, body)
    assert made.status_code == 201, made.text
    return str(made.json()["programme_id"])


async def progress(world: ReviewsWorld, person_id: str, who: str = "hana", role: str = Role.HR) -> Any:
    answer = await world.call("GET", f"/v1/training/enrolments?person_id={person_id}", who, role)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_hr_keeps_the_catalogue_and_everyone_reads_it_with_the_courses_it_always_had(world: ReviewsWorld) -> None:
    await with_courses(world)
    by_assistant = await world.call("PUT", "/v1/training/courses/welcome", "ann", Role.ASSISTANT, WELCOME)
    too_high = await world.call("PUT", "/v1/training/courses/quiz-2", "hana", Role.HR, {**QUIZ, "pass_mark": 120})
    bad_id = await world.call("PUT", "/v1/training/courses/Not%20an%20id", "hana", Role.HR, QUIZ)
    renamed = {**WELCOME, "title": "Follow-ups that close", "category": "sales_skills"}
    assert (await world.call("PUT", "/v1/training/courses/follow-up", "hana", Role.HR, renamed)).status_code == 200

    catalogue = await world.call("GET", "/v1/training/catalogue", "ann", Role.ASSISTANT)
    courses = {c["course_id"]: c for c in catalogue.json()}
    assert by_assistant.status_code == 403
    assert too_high.status_code == 422
    assert "pass_mark" in too_high.text
    assert bad_id.status_code == 422
    assert courses["pricing-quiz"] == {"course_id": "pricing-quiz", **QUIZ, "pass_mark": "70", "retired_at": None}
    assert courses["welcome"]["pass_mark"] is None
    assert courses["follow-up"]["title"] == "Follow-ups that close"
    assert courses["compliance"]["category"] == "company_policy"  # a default nobody changed

    # A course id reviews always had still assigns, under the title hr gave it.
    body = {"person_id": "ann", "course_id": "follow-up", "due_at": "2027-01-31T00:00:00Z"}
    assigned = await world.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)
    assert assigned.status_code == 201, assigned.text
    assert assigned.json()["course_title"] == "Follow-ups that close"


async def test_the_onboarding_programme_goes_once_to_a_newcomer_and_never_to_people_there_before(
    world: ReviewsWorld,
) -> None:
    await with_courses(world)
    onboarding = await programme(world, "Onboarding", onboarding=True)
    second = {"title": "Another", "courses": [{"course_id": "welcome"}], "onboarding": True}
    refused = await world.call("POST", "/v1/training/programmes", "hana", Role.HR, second)
    assert refused.status_code == 409, refused.text

    zoe = person("zoe", "assistant", "mia", "north")
    ann_moved = member("ann").model_copy(update={"display_name": "Ann A. Assistant"})
    await world.publish(ann_moved, zoe)
    [enrolment] = await eventually(lambda: progress(world, "zoe"), what="zoe's onboarding")
    # zoe's record again (an update, as an HRIS sends): still one enrolment, one first course.
    await world.publish(zoe.model_copy(update={"display_name": "Zoe Newcomer"}))

    async def renamed(person_id: str, name: str) -> bool:
        answer = await world.call("GET", f"/v1/people/{person_id}", "hana", Role.HR)
        return answer.status_code == 200 and answer.json()["display_name"] == name

    await eventually(lambda: renamed("zoe", "Zoe Newcomer"), what="zoe's second record applied")
    await eventually(lambda: renamed("ann", "Ann A. Assistant"), what="ann's new record applied")

    assert enrolment["programme_id"] == onboarding
    assert enrolment["onboarding"] is True
    assert [(c["course_id"], c["status"]) for c in enrolment["courses"]] == [
        ("welcome", "due"),
        ("pricing-quiz", "upcoming"),
    ]
    assert await progress(world, "zoe") == [enrolment]
    assert await progress(world, "ann") == []
    events = await world.events(lambda rs: any(r.json()["type"] == "ProgrammeAssigned" for r in rs))
    about_zoe = [(e["type"], e["data"].get("course_id")) for e in events if e["data"].get("person_id") == "zoe"]
    assert about_zoe == [("ProgrammeAssigned", None), ("TrainingAssigned", "welcome")]
    assert not [e for e in events if e["type"] == "ProgrammeAssigned" and e["data"]["person_id"] != "zoe"]


async def test_a_programme_goes_to_a_population_and_each_course_falls_due_when_the_one_before_is_passed(
    world: ReviewsWorld,
) -> None:
    await with_courses(world)
    launch = await programme(world, "New product launch")
    population = {"team_id": "north", "role": "assistant", "person_ids": ["dan"]}
    path = f"/v1/training/programmes/{launch}/enrolments"
    assert (await world.call("POST", path, "mia", Role.MANAGER, population)).status_code == 403
    unknown = await world.call("POST", path, "hana", Role.HR, {"person_ids": ["nobody"]})
    assert unknown.status_code == 422
    assert "nobody" in unknown.text
    assert (await world.call("POST", path, "hana", Role.HR, {})).status_code == 422

    first = await world.call("POST", path, "hana", Role.HR, population)
    again = await world.call("POST", path, "hana", Role.HR, population)
    assert first.json() == {"enrolled": ["ann", "bob", "cid", "dan"], "already_enrolled": []}
    assert again.json() == {"enrolled": [], "already_enrolled": ["ann", "bob", "cid", "dan"]}

    [mine] = await progress(world, "ann", "ann", Role.ASSISTANT)
    assert (await world.call("GET", "/v1/training/enrolments?person_id=ann", "bob", Role.ASSISTANT)).status_code == 403
    welcome = mine["courses"][0]["assignment_id"]
    done = await world.call("POST", f"/v1/training/assignments/{welcome}/complete", "ann", Role.ASSISTANT)
    assert done.status_code == 200, done.text

    [mine] = await progress(world, "ann", "mia", Role.MANAGER)
    assert [c["status"] for c in mine["courses"]] == ["completed", "due"]
    quiz = mine["courses"][1]["assignment_id"]
    complete = f"/v1/training/assignments/{quiz}/complete"
    no_score = await world.call("POST", complete, "ann", Role.ASSISTANT)
    failed = await world.call("POST", complete, "ann", Role.ASSISTANT, {"score": 55})
    assert no_score.status_code == 422
    assert "score" in no_score.text
    assert failed.status_code == 200, failed.text
    assert failed.json()["completed_at"] is None
    assert [a["score"] for a in failed.json()["attempts"]] == ["55"]
    [mine] = await progress(world, "ann")
    assert mine["courses"][1]["status"] == "due"
    assert mine["completed_at"] is None

    passed = await world.call("POST", complete, "ann", Role.ASSISTANT, {"score": 84})
    assert passed.json()["score"] == "84"
    assert [a["score"] for a in passed.json()["attempts"]] == ["55", "84"]
    [mine] = await progress(world, "ann")
    assert [(c["status"], c["score"]) for c in mine["courses"]] == [("completed", None), ("completed", "84")]
    assert mine["completed_at"] is not None
    assert mine["completed_courses"] == 2

    events = await world.events(lambda rs: any(r.json()["type"] == "ProgrammeCompleted" for r in rs))
    ann = [e for e in events if e["data"].get("person_id") == "ann"]
    completed = [(e["data"]["course_id"], e["data"].get("score")) for e in ann if e["type"] == "TrainingCompleted"]
    assert completed == [("welcome", None), ("pricing-quiz", "84")]
    assert [e["data"]["programme_id"] for e in ann if e["type"] == "ProgrammeCompleted"] == [launch]
    assigned = [e["data"]["course_id"] for e in ann if e["type"] == "TrainingAssigned"]
    assert assigned == ["welcome", "pricing-quiz"]


class Mailed(ReviewsWorld):
    """Reviews, with notifications beside it sending to a real SMTP server."""

    mailbox: Mailbox


@pytest.fixture
async def mailed(running_service: RunningService) -> AsyncIterator[Mailed]:
    tuning = {"PACER_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05", "PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS": "0.1"}
    async with (
        outlets() as out,
        running_service("pacer_notifications.main", world=ServiceWorld, **out.env, **tuning),
        running_service("pacer_reviews.main", world=Mailed, PACER_REVIEWS_TRAINING_REMINDER_HOURS="1") as reviews,
    ):
        reviews.mailbox = out.mailbox
        yield reviews


async def test_completing_a_course_tells_the_assistant_once_that_the_programmes_next_is_due(mailed: Mailed) -> None:
    await with_courses(mailed)
    launch = await programme(mailed, "New product launch")
    enrolled = await mailed.call(
        "POST", f"/v1/training/programmes/{launch}/enrolments", "hana", Role.HR, {"person_ids": ["ann", "bob"]}
    )
    assert enrolled.status_code == 200, enrolled.text
    for who in ("ann", "bob"):
        [mine] = await progress(mailed, who, who, Role.ASSISTANT)
        welcome = mine["courses"][0]["assignment_id"]
        done = await mailed.call("POST", f"/v1/training/assignments/{welcome}/complete", who, Role.ASSISTANT)
        assert done.status_code == 200, done.text

    def next_due(address: str, subject: str) -> Callable[[], Awaitable[list[EmailMessage] | None]]:
        async def arrived() -> list[EmailMessage] | None:
            return [m for m in mailed.mailbox.to(address) if str(m["Subject"]) == subject] or None

        return arrived

    (bob,) = await eventually(next_due("bob@example.com", "Next course due: Pricing, with a quiz"), timeout=60)
    assert "course 2 of 2" in text_of(bob)
    assert "New product launch" in text_of(bob)
    (ann,) = await eventually(next_due("ann@example.com", "下一门课程：Pricing, with a quiz"), timeout=60)
    assert "第 2 门，共 2 门" in text_of(ann), "Ann reads it in Chinese"
    events = await mailed.events(lambda rs: sum(r.json()["type"] == "ProgrammeCourseDue" for r in rs) >= 2)
    due = [e["data"] for e in events if e["type"] == "ProgrammeCourseDue"]
    assert sorted((d["person_id"], d["course_id"], d["position"]) for d in due) == [
        ("ann", "pricing-quiz", 2),
        ("bob", "pricing-quiz", 2),
    ]

    [mine] = await progress(mailed, "bob", "bob", Role.ASSISTANT)
    passed = await mailed.call(
        "POST",
        f"/v1/training/assignments/{mine['courses'][1]['assignment_id']}/complete",
        "bob",
        Role.ASSISTANT,
        {"score": 90},
    )
    assert passed.status_code == 200, passed.text
    await mailed.events(lambda rs: any(r.json()["type"] == "ProgrammeCompleted" for r in rs))
    assert len(await next_due("bob@example.com", "Next course due: Pricing, with a quiz")() or []) == 1, (
        "the last course completes the programme: no next one is announced"
    )


async def test_an_open_course_nearing_its_due_date_reminds_its_person_once(mailed: Mailed) -> None:
    await with_courses(mailed)
    now = datetime.now(UTC)
    # The reminder's lead is an hour here: these fall within it in a few seconds, and at once.
    soon, within_lead = now + timedelta(hours=1, seconds=5), now + timedelta(minutes=30)
    made: dict[str, str] = {}
    for who, due_at in (("bob", soon), ("ann", soon), ("bob", within_lead)):
        body = {"person_id": who, "course_id": "welcome", "due_at": due_at.isoformat()}
        assigned = await mailed.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)
        assert assigned.status_code == 201, assigned.text
        made.setdefault(who, assigned.json()["assignment_id"])

    async def reminded(address: str, subject: str) -> list[EmailMessage] | None:
        return [m for m in mailed.mailbox.to(address) if str(m["Subject"]) == subject] or None

    bob = await eventually(lambda: reminded("bob@example.com", "Training due soon: Welcome to the sales floor"), 60)
    ann = await eventually(lambda: reminded("ann@example.com", "培训即将到期：Welcome to the sales floor"), 60)
    assert (len(bob), len(ann)) == (1, 1)
    events = await mailed.events(lambda rs: sum(r.json()["type"] == "TrainingDueSoon" for r in rs) >= 2)
    due = sorted((e["data"]["person_id"], e["data"]["assignment_id"]) for e in events if e["type"] == "TrainingDueSoon")
    assert due == [("ann", made["ann"]), ("bob", made["bob"])], "once each; none for a course assigned within the lead"
