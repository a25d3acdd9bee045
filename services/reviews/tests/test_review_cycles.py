"""Cycles schedule reviews, goal and feedback events become inputs, the flow ends in an explainable score."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from reviews_support import TEMPLATE, ReviewsWorld

from pacer_shared.auth import Role
from pacer_shared.events.feedback import FeedbackDirection, FeedbackGiven, FeedbackKind
from pacer_shared.events.goals import GoalAchieved, GoalCancelled, GoalMissed, GoalProgressed
from pacer_testkit.roster import ROSTER, assistants_of
from pacer_testkit.roster import person as roster_person
from pacer_testkit.stack import eventually


def month_start(months: int) -> str:
    """The first day of the month `months` from the real current one: the service runs on the real clock, so the
    reviews' due dates are compared with today, and the current month's self-assessments are never due yet."""
    today = datetime.now(UTC).date()
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1).isoformat()


THIS_MONTH = {  # a goal period inside the current month's review
    "start": datetime.fromisoformat(month_start(0)).replace(tzinfo=UTC),
    "end": datetime.fromisoformat(month_start(1)).replace(tzinfo=UTC) - timedelta(days=1),
}


def week_start(weeks: int) -> date:
    """The Monday `weeks` from the real current week."""
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


async def open_month(world: ReviewsWorld, **extra: Any) -> list[dict[str, Any]]:
    body = {
        "name": "north-monthly",
        "cadence": "monthly",
        "template_name": "monthly-summary",
        "period_start": month_start(0),
        "team_id": "north",
        **extra,
    }
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, body)
    assert opened.status_code == 201, opened.text
    listed = await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)
    return sorted(listed.json()["items"], key=lambda r: r["person_id"])  # type: ignore[no-any-return]


async def test_a_cycle_schedules_one_review_per_person_of_its_population(world: ReviewsWorld) -> None:
    north = assistants_of("north")
    scheduled = await open_month(world)
    assert [r["person_id"] for r in scheduled] == north
    assert all(r["template_id"] == "monthly-summary:v1" for r in scheduled)
    events = await world.events(lambda rs: len(rs) >= len(north) + 1)
    assert [e["type"] for e in events].count("ReviewScheduled") == len(north)
    [opened] = [e for e in events if e["type"] == "ReviewCycleOpened"]
    assert opened["data"]["population_size"] == len(north)


async def every_page(world: ReviewsWorld, path: str, who: str, role: Role) -> list[list[dict[str, Any]]]:
    """Each page of a list, following `next_cursor` to the end."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while not pages or cursor:
        answered = await world.call("GET", f"{path}&cursor={cursor}" if cursor else path, who, role)
        assert answered.status_code == 200, answered.text
        pages.append(answered.json()["items"])
        cursor = answered.json()["next_cursor"]
    return pages


async def test_reviews_and_cycles_are_read_a_page_at_a_time_newest_period_first(world: ReviewsWorld) -> None:
    north = assistants_of("north")
    for months in (-3, -2, -1):
        await open_month(world, name=f"north-{months}", period_start=month_start(months))

    pages = await every_page(world, "/v1/reviews?limit=2", "hana", Role.HR)
    listed = [r for page in pages for r in page]
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
    assert len({r["review_id"] for r in listed}) == len(listed) == 3 * len(north)
    assert [r["period_end"] for r in listed] == sorted((r["period_end"] for r in listed), reverse=True)
    # A manager's page of the reviews she writes; an assistant's of her own: the same visibility, paged.
    written = [
        r for page in await every_page(world, "/v1/reviews?manager_id=mia&limit=2", "mia", Role.MANAGER) for r in page
    ]
    assert sorted(r["review_id"] for r in written) == sorted(r["review_id"] for r in listed)
    own = [r for page in await every_page(world, "/v1/reviews?limit=1", "ann", Role.ASSISTANT) for r in page]
    assert [r["cycle_id"] for r in own] == [f"north-{m}:{month_start(m)}" for m in (-1, -2, -3)]

    cycles = await every_page(world, "/v1/cycles?limit=1", "hana", Role.HR)
    assert [[c["name"] for c in page] for page in cycles] == [["north--1"], ["north--2"], ["north--3"]]
    assert [c["progress"]["reviews"] for page in cycles for c in page] == [len(north)] * 3
    refused = await world.call("GET", "/v1/cycles?cursor=nonsense", "hana", Role.HR)
    assert refused.status_code == 422, refused.text
    assert "cursor" in refused.json()["detail"]


async def test_a_review_names_its_period_by_the_days_of_the_persons_own_calendar(world: ReviewsWorld) -> None:
    # Kiritimati is UTC+14: its November starts on 31 October in UTC, which no reading of the instants in UTC
    # (nor noon UTC) puts on the right day.
    await world.load([roster_person("kai", "assistant", "mia", "north", timezone="Pacific/Kiritimati")])
    [kai] = await open_month(world, team_id=None, person_ids=["kai"], period_start="2026-11-01")
    assert (kai["period_start"], kai["period_end"]) == ("2026-10-31T10:00:00Z", "2026-11-30T10:00:00Z")
    assert (kai["period_first_day"], kai["period_last_day"]) == ("2026-11-01", "2026-11-30")
    seen = (await world.call("GET", f"/v1/reviews/{kai['review_id']}", "kai", Role.ASSISTANT)).json()
    assert (seen["period_first_day"], seen["period_last_day"]) == ("2026-11-01", "2026-11-30")


async def test_a_person_named_twice_is_reviewed_once_and_an_empty_list_is_refused(world: ReviewsWorld) -> None:
    scheduled = await open_month(world, team_id=None, person_ids=["ann", "bob", "ann"])
    assert [r["person_id"] for r in scheduled] == ["ann", "bob"]
    body = {"name": "nobody", "cadence": "monthly", "template_name": "monthly-summary", "period_start": "2026-11-01"}
    empty = await world.call("POST", "/v1/cycles", "hana", Role.HR, {**body, "person_ids": []})
    assert empty.status_code == 422, empty.text
    assert "person_ids" in empty.json()["detail"]


async def test_the_full_flow_ends_in_a_score_whose_explanation_adds_up(world: ReviewsWorld) -> None:
    ann, *_ = await open_month(world)
    await world.publish(
        GoalAchieved(
            goal_id="g1",
            owner_id="ann",
            title="Calls",
            period_start=THIS_MONTH["start"],
            period_end=THIS_MONTH["end"],
            target=Decimal(10),
            actual=Decimal(12),
            achieved_at=THIS_MONTH["end"],
            attainment=Decimal("1.2"),
        ),
        GoalMissed(
            goal_id="g2",
            owner_id="ann",
            title="Quotes",
            period_start=THIS_MONTH["start"],
            period_end=THIS_MONTH["end"],
            target=Decimal(10),
            actual=Decimal(6),
            shortfall=Decimal(4),
            attainment=Decimal("0.6"),
        ),
        FeedbackGiven(
            feedback_id="f1",
            author_id="bob",
            recipient_id="ann",
            kind=FeedbackKind.PRAISE,
            direction=FeedbackDirection.PEER,
            text="thanks",
            tags=["teamwork"],
        ),
    )

    async def inputs_arrived() -> dict[str, Any] | None:
        review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "ann", Role.ASSISTANT)).json()
        return review if review["inputs"]["goals_missed"] == 1 and review["inputs"]["feedback"]["praise"] == 1 else None

    review = await eventually(inputs_arrived, what="goal and feedback events to reach the review")
    assert review["inputs"]["attainment"] == "0.9000"
    assert review["inputs"]["feedback"]["themes"] == {"teamwork": 1}

    early = await world.call(
        "POST",
        f"/v1/reviews/{ann['review_id']}/manager",
        "mia",
        Role.MANAGER,
        {"ratings": {"records": 4, "teamwork": 3}},
    )
    assert early.status_code == 409, "the manager's part comes after the self-assessment"
    own = await world.call(
        "POST",
        f"/v1/reviews/{ann['review_id']}/self",
        "ann",
        Role.ASSISTANT,
        {"ratings": {"records": 5}, "strengths": "customer follow-up"},
    )
    assert own.status_code == 200, own.text
    out_of_scale = await world.call(
        "POST",
        f"/v1/reviews/{ann['review_id']}/manager",
        "mia",
        Role.MANAGER,
        {"ratings": {"records": 7, "teamwork": 3}},
    )
    assert out_of_scale.status_code == 422
    assert "outside the scale 1-5" in out_of_scale.json()["detail"]
    # A stable code and its values, for the console to word the reason in the reader's language.
    [reason] = out_of_scale.json()["errors"]
    assert (reason["field"], reason["type"], reason["ctx"]) == (
        "body.ratings",
        "ratings_outside_scale",
        {"criteria": "records", "min": 1, "max": 5},
    )
    wrong_person = await world.call(
        "POST",
        f"/v1/reviews/{ann['review_id']}/manager",
        "bob",
        Role.ASSISTANT,
        {"ratings": {"records": 4, "teamwork": 3}},
    )
    assert wrong_person.status_code == 403

    completed = await world.call(
        "POST",
        f"/v1/reviews/{ann['review_id']}/manager",
        "mia",
        Role.MANAGER,
        {
            "ratings": {"records": 4, "teamwork": 3},
            "strengths": "reliable",
            "development": [{"area": "quotes", "suggestion": "follow up faster", "course_id": "follow-up"}],
        },
    )
    assert completed.status_code == 200, completed.text
    explanation = (await world.call("GET", f"/v1/reviews/{ann['review_id']}/score", "ann", Role.ASSISTANT)).json()
    # goal rating = 1 + 4 × 0.9 / 1.25 = 3.88; score = (30×4 + 30×3 + 40×3.88) / 100 = 3.652 → 3.65
    assert [(line["key"], line["rating"]) for line in explanation["lines"]] == [
        ("records", "4"),
        ("teamwork", "3"),
        ("goal_attainment", "3.88"),
    ]
    assert explanation["score"] == "3.65"
    assert sum(Decimal(line["contribution"]) for line in explanation["lines"]) == Decimal("3.6520")
    assert (explanation["rating"], explanation["label"]) == (4, "Strong")

    events = await world.events(lambda rs: any(r.json()["type"] == "TrainingAssigned" for r in rs))
    [done] = [e for e in events if e["type"] == "ReviewCompleted"]
    assert (done["data"]["score"], done["data"]["goals_achieved"], done["data"]["goals_missed"]) == ("3.65", 1, 1)
    assert done["data"]["development"][0]["course_id"] == "follow-up"

    edit = await world.call(
        "POST", f"/v1/reviews/{ann['review_id']}/self", "ann", Role.ASSISTANT, {"ratings": {"records": 5}}
    )
    assert edit.status_code == 409
    acknowledged = await world.call(
        "POST", f"/v1/reviews/{ann['review_id']}/acknowledge", "ann", Role.ASSISTANT, {"comment": "fair"}
    )
    assert acknowledged.json()["status"] == "acknowledged"

    # A late goal outcome is listed on the completed review without changing its score.
    await world.publish(
        GoalMissed(
            goal_id="g3",
            owner_id="ann",
            title="Visits",
            period_start=THIS_MONTH["start"],
            period_end=THIS_MONTH["end"],
            target=Decimal(5),
            actual=Decimal(1),
            shortfall=Decimal(4),
            attainment=Decimal("0.2"),
        )
    )

    async def late_listed() -> dict[str, Any] | None:
        review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "mia", Role.MANAGER)).json()
        return review if review["late_inputs"]["goals"] == ["g3"] else None

    late = await eventually(late_listed, what="the late goal to be listed")
    assert late["result"]["score"] == "3.65"


async def test_an_older_goal_event_arriving_late_does_not_move_the_goal_back(world: ReviewsWorld) -> None:
    ann, *_ = await open_month(world)
    this_month = {"period_start": THIS_MONTH["start"], "period_end": THIS_MONTH["end"]}
    last_month = {
        "period_start": THIS_MONTH["start"] - timedelta(days=30),
        "period_end": THIS_MONTH["start"] - timedelta(days=5),
    }
    common = {"owner_id": "ann", "title": "Calls", "target": Decimal(10)}
    now = datetime.now(UTC)
    # The goal's end was moved into this month; the progress published before that arrives after it.
    await world.publish_at(
        now,
        GoalMissed(
            goal_id="moved", **common, **this_month, actual=Decimal(6), shortfall=Decimal(4), attainment=Decimal("0.6")
        ),
    )
    await world.publish_at(
        now - timedelta(minutes=5),
        GoalProgressed(goal_id="moved", **common, **last_month, actual=Decimal(5), expected_by_now=Decimal(8)),
    )
    await world.publish_at(
        now,
        GoalAchieved(
            goal_id="sentinel", **common, **this_month, actual=Decimal(10), achieved_at=now, attainment=Decimal(1)
        ),
    )

    async def sentinel_counted() -> dict[str, Any] | None:
        review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "mia", Role.MANAGER)).json()
        return review if review["inputs"]["goals_achieved"] == 1 else None

    review = await eventually(sentinel_counted, what="the events after the late one to be applied")
    assert [g["goal_id"] for g in review["inputs"]["goals"]] == ["moved", "sentinel"]


async def test_a_goal_achieved_early_and_then_cancelled_is_not_one_of_the_periods(world: ReviewsWorld) -> None:
    ann, *_ = await open_month(world)
    about = {"owner_id": "ann", "period_start": THIS_MONTH["start"], "period_end": THIS_MONTH["end"]}
    now = datetime.now(UTC)

    def achieved(goal_id: str) -> GoalAchieved:
        return GoalAchieved(
            goal_id=goal_id,
            title=goal_id,
            **about,
            target=Decimal(10),
            actual=Decimal(10),
            achieved_at=now,
            attainment=Decimal(1),
        )

    await world.publish(
        achieved("dropped"),
        GoalCancelled(goal_id="dropped", title="dropped", **about, cancelled_by="mia", reason="merged into another"),
        achieved("kept"),
    )

    async def kept_counted() -> dict[str, Any] | None:
        review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "mia", Role.MANAGER)).json()
        return review if "kept" in [g["goal_id"] for g in review["inputs"]["goals"]] else None

    review = await eventually(kept_counted, what="the events after the cancellation to be applied")
    assert [g["goal_id"] for g in review["inputs"]["goals"]] == ["kept"]


async def test_the_assistant_sees_the_managers_part_only_once_completed_and_others_see_nothing(
    world: ReviewsWorld,
) -> None:
    ann, *_ = await open_month(world)
    await world.call("POST", f"/v1/reviews/{ann['review_id']}/self", "ann", Role.ASSISTANT, {"ratings": {"records": 5}})
    assert (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "dan", Role.ASSISTANT)).status_code == 403
    assert (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "bob", Role.ASSISTANT)).status_code == 403
    seen = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "ann", Role.ASSISTANT)).json()
    assert seen["manager"] is None


async def test_overdue_steps_raise_a_reminder_once_each(world: ReviewsWorld) -> None:
    [ann, *_] = await open_month(world, period_start=month_start(-2))  # both steps are past due
    assert ann["self_due_at"] < datetime.now(UTC).isoformat()

    async def settled() -> list[dict[str, Any]] | None:
        reviews = (await world.call("GET", "/v1/reviews", "hana", Role.HR)).json()["items"]
        return reviews if all(r["next_due_at"] is None for r in reviews) else None

    await eventually(settled, what="both steps of every review to be called overdue")
    north = assistants_of("north")
    events = await world.events(lambda rs: sum(r.json()["type"] == "ReviewOverdue" for r in rs) >= 2 * len(north))
    overdue = sorted(
        (e["data"]["person_id"], e["data"]["step"], e["data"]["responsible_id"])
        for e in events
        if e["type"] == "ReviewOverdue"
    )
    assert overdue == [step for person in north for step in [(person, "manager", "mia"), (person, "self", person)]]
    dashboard = (await world.call("GET", f"/v1/cycles/{ann['cycle_id']}/dashboard", "hana", Role.HR)).json()
    assert dashboard["overdue"] == {"self": len(north), "manager": len(north)}


async def test_hr_sees_each_cycle_with_how_far_its_reviews_are(world: ReviewsWorld) -> None:
    ann, *others = await open_month(world)
    submitted = await world.call(
        "POST", f"/v1/reviews/{ann['review_id']}/self", "ann", Role.ASSISTANT, {"ratings": {"records": 4}}
    )
    assert submitted.status_code == 200, submitted.text
    listed = await world.call("GET", "/v1/cycles", "hana", Role.HR)
    assert listed.status_code == 200, listed.text
    [cycle] = [c for c in listed.json()["items"] if c["cycle_id"] == ann["cycle_id"]]
    assert (cycle["name"], cycle["template_id"], cycle["population"]["team_id"]) == (
        "north-monthly",
        "monthly-summary:v1",
        "north",
    )
    assert cycle["progress"] == {
        "cycle_id": ann["cycle_id"],
        "reviews": len(assistants_of("north")),
        "by_status": {"scheduled": len(others), "self_submitted": 1},
        "overdue": {},
    }
    assert (await world.call("GET", "/v1/cycles", "mia", Role.MANAGER)).status_code == 403


async def test_a_manager_completes_a_review_whose_self_assessment_was_missed(world: ReviewsWorld) -> None:
    [ann, *_] = await open_month(world, name="now", period_start=month_start(0))  # self-assessment not due yet
    body = {"ratings": {"records": 4, "teamwork": 3}}
    early = await world.call("POST", f"/v1/reviews/{ann['review_id']}/manager", "mia", Role.MANAGER, body)
    assert early.status_code == 409, early.text

    [ann, *_] = await open_month(world, name="before", period_start=month_start(-2))  # its due date passed
    done = await world.call("POST", f"/v1/reviews/{ann['review_id']}/manager", "mia", Role.MANAGER, body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["self"] is None
    assert done.json()["result"]["score"] is not None


async def test_after_a_transfer_the_new_manager_completes_the_open_review(world: ReviewsWorld) -> None:
    [ann, *_] = await open_month(world, period_start=month_start(-2))  # the self-assessment's due date passed
    [person] = [p for p in ROSTER if p.person_id == "ann"]
    await world.publish(person.model_copy(update={"manager_id": "max", "team_id": "south"}))
    path = f"/v1/reviews/{ann['review_id']}"

    async def transferred() -> dict[str, Any] | None:
        review = (await world.call("GET", path, "hana", Role.HR)).json()
        return review if review["manager_id"] == "max" else None

    await eventually(transferred, what="the open review to follow Ann's new manager")
    body = {"ratings": {"records": 4, "teamwork": 3}}
    assert (await world.call("GET", path, "mia", Role.MANAGER)).status_code == 403, "the former manager"
    assert (await world.call("POST", f"{path}/manager", "mia", Role.MANAGER, body)).status_code == 403
    done = await world.call("POST", f"{path}/manager", "max", Role.MANAGER, body)
    assert done.status_code == 200, done.text
    assert "manager_as_of_us" not in done.json()


async def test_a_new_template_version_leaves_open_reviews_on_theirs(world: ReviewsWorld) -> None:
    ann, *_ = await open_month(world)
    changed = {**TEMPLATE, "criteria": [{"key": "records", "name": "Records", "weight": 60}], "goal_weight": 40}
    assert (await world.call("POST", "/v1/templates", "hana", Role.HR, changed)).json()["version"] == 2
    review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "mia", Role.MANAGER)).json()
    assert review["template_id"] == "monthly-summary:v1"
    bad = await world.call("POST", "/v1/templates", "hana", Role.HR, {**TEMPLATE, "goal_weight": 10})
    assert bad.status_code == 422
    assert "sum to 100" in bad.json()["detail"]


async def test_training_is_assigned_completed_and_shown_in_the_next_review(world: ReviewsWorld) -> None:
    async def assign(due_at: str) -> Any:
        body = {"person_id": "ann", "course_id": "crm-hygiene", "due_at": due_at}
        return await world.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)

    assigned = await assign("2026-12-31T00:00:00Z")
    assert assigned.status_code == 201, assigned.text
    no_offset = await assign("2030-12-31T00:00:00")
    assert no_offset.status_code == 422, no_offset.text
    ann, *_ = await open_month(world)
    review = (await world.call("GET", f"/v1/reviews/{ann['review_id']}", "ann", Role.ASSISTANT)).json()
    assert [(t["assignment_id"], t["course_id"]) for t in review["open_training"]] == [
        (assigned.json()["assignment_id"], "crm-hygiene")
    ]
    assert (
        await world.call(
            "POST", f"/v1/training/assignments/{assigned.json()['assignment_id']}/complete", "bob", Role.ASSISTANT
        )
    ).status_code == 403
    done = await world.call(
        "POST", f"/v1/training/assignments/{assigned.json()['assignment_id']}/complete", "ann", Role.ASSISTANT
    )
    assert done.status_code == 200
    events = await world.events(lambda rs: any(r.json()["type"] == "TrainingCompleted" for r in rs))
    assert [e["data"]["course_id"] for e in events if e["type"] == "TrainingCompleted"] == ["crm-hygiene"]


async def test_a_person_reads_their_training_soonest_due_first_page_by_page_and_sees_it_completed(
    world: ReviewsWorld,
) -> None:
    made = []
    for course, due in (("follow-up", "2027-02-01T00:00:00Z"), ("compliance", "2027-01-15T00:00:00Z")):
        body = {"person_id": "ann", "course_id": course, "due_at": due}
        answer = await world.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    assert made[0]["course_title"] == "Sales skills: following up leads and quotes"
    assert made[0]["completed_at"] is None
    done = await world.call(
        "POST", f"/v1/training/assignments/{made[1]['assignment_id']}/complete", "ann", Role.ASSISTANT
    )
    assert done.json()["completed_at"] is not None

    first = await world.call("GET", "/v1/training/assignments?person_id=ann&limit=1", "ann", Role.ASSISTANT)
    assert first.status_code == 200, first.text
    cursor = first.json()["next_cursor"]
    second = await world.call(
        "GET", f"/v1/training/assignments?person_id=ann&limit=1&cursor={cursor}", "ann", Role.ASSISTANT
    )
    by_manager = await world.call("GET", "/v1/training/assignments?person_id=ann", "mia", Role.MANAGER)
    by_peer = await world.call("GET", "/v1/training/assignments?person_id=ann", "bob", Role.ASSISTANT)

    [compliance] = first.json()["items"]
    [follow_up] = second.json()["items"]
    assert (compliance["course_id"], follow_up["course_id"]) == ("compliance", "follow-up")
    assert compliance["completed_at"] is not None
    assert follow_up["completed_at"] is None
    assert follow_up["category"] == "sales_skills"
    assert second.json()["next_cursor"] is None
    assert [a["course_id"] for a in by_manager.json()["items"]] == ["compliance", "follow-up"]
    assert by_peer.status_code == 403


async def test_a_recurring_cycle_opens_the_next_period_by_itself(world: ReviewsWorld) -> None:
    first = week_start(-2)
    await open_month(world, name="north-weekly", cadence="weekly", period_start=first.isoformat(), recurring=True)
    begun = {f"north-weekly:{week_start(w).isoformat()}" for w in (-2, -1, 0)}

    async def next_weeks_open() -> list[dict[str, Any]] | None:
        reviews = (await world.call("GET", "/v1/reviews?person_id=ann", "hana", Role.HR)).json()["items"]
        return reviews if begun <= {r["cycle_id"] for r in reviews} else None

    reviews = await eventually(next_weeks_open, what="the following weeks' cycles to open by themselves")
    assert f"north-weekly:{week_start(1).isoformat()}" not in {r["cycle_id"] for r in reviews}, (
        "a period that has not begun is not opened"
    )


async def test_a_recurring_cycle_skips_a_period_it_cannot_open_and_goes_on(world: ReviewsWorld) -> None:
    by_hand = week_start(-1).isoformat()
    await open_month(world, name="north-weekly", cadence="weekly", period_start=by_hand)
    await open_month(
        world, name="north-weekly", cadence="weekly", period_start=week_start(-2).isoformat(), recurring=True
    )
    this_week = f"north-weekly:{week_start(0).isoformat()}"

    async def this_week_open() -> bool:
        reviews = (await world.call("GET", "/v1/reviews?person_id=ann", "hana", Role.HR)).json()["items"]
        return this_week in {r["cycle_id"] for r in reviews}

    await eventually(this_week_open, what="the recurrence to skip the week opened by hand and open this one")
    assert "recurring cycle skips a period" in world.service.log_path.read_text()


async def test_templates_list_their_newest_version_and_each_keeps_every_version(world: ReviewsWorld) -> None:
    weekly = {**TEMPLATE, "name": "weekly-check-in", "title": "Weekly check-in"}
    assert (await world.call("POST", "/v1/templates", "hana", Role.HR, weekly)).status_code == 201
    records = [{"key": "records", "name": "Records", "weight": 50}]
    changed = {**TEMPLATE, "criteria": records, "customer_rating_weight": 10}
    assert (await world.call("POST", "/v1/templates", "hana", Role.HR, changed)).json()["version"] == 2

    first = await world.call("GET", "/v1/templates?limit=1", "mia", Role.MANAGER)
    assert first.status_code == 200, first.text
    [monthly] = first.json()["items"]
    assert (monthly["template_id"], monthly["customer_rating_weight"]) == ("monthly-summary:v2", "10")
    cursor = first.json()["next_cursor"]
    rest = (await world.call("GET", f"/v1/templates?limit=1&cursor={cursor}", "mia", Role.MANAGER)).json()
    assert [t["template_id"] for t in rest["items"]] == ["weekly-check-in:v1"]
    assert rest["next_cursor"] is None

    versions = await world.call("GET", "/v1/templates/monthly-summary/versions", "ann", Role.ASSISTANT)
    assert [(v["version"], [c["weight"] for c in v["criteria"]]) for v in versions.json()] == [
        (2, ["50"]),
        (1, ["30", "30"]),
    ]
    assert versions.json()[1]["created_by"] == "hana"
    missing = await world.call("GET", "/v1/templates/nothing-here/versions", "hana", Role.HR)
    assert missing.status_code == 404


async def test_template_and_cycle_refusals_name_their_field(world: ReviewsWorld) -> None:
    bad = await world.call("POST", "/v1/templates", "hana", Role.HR, {**TEMPLATE, "goal_weight": 10})
    assert bad.status_code == 422
    [reason] = bad.json()["errors"]
    assert (reason["type"], reason["ctx"]) == ("template_weights_total", {"total": "70"})
    body = {"name": "later", "cadence": "custom", "template_name": "nope", "period_start": "2026-11-01"}
    unknown = await world.call("POST", "/v1/cycles", "hana", Role.HR, body)
    assert [(e["field"], e["type"]) for e in unknown.json()["errors"]] == [("body.template_name", "template_unknown")]
    endless = await world.call("POST", "/v1/cycles", "hana", Role.HR, {**body, "template_name": "monthly-summary"})
    assert [(e["field"], e["type"]) for e in endless.json()["errors"]] == [("body.period_end", "cycle_end_missing")]
    nobody = {**body, "template_name": "monthly-summary", "period_end": "2026-11-02", "team_id": "nowhere"}
    empty = await world.call("POST", "/v1/cycles", "hana", Role.HR, nobody)
    assert [(e["field"], e["type"]) for e in empty.json()["errors"]] == [("body.team_id", "cycle_population_empty")]
