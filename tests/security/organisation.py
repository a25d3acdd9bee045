"""The organisation the role matrix works in: its six services, and what the probes set up through their APIs.

What read-only probes look at is made once, by hr, in `prepare`; the rest are helpers that make a fresh
resource for a probe that changes it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from pymongo import AsyncMongoClient
from security.support import ROLE_OF

from pacer_goals.adapters.checkins import checkin_to_document
from pacer_goals.adapters.repository import WEEKLY_CHECKINS
from pacer_goals.domain.checkin import CheckIn
from pacer_shared.auth import Role
from pacer_shared.events import EventData, wrap
from pacer_shared.events.goals import GoalAchieved, GoalMetric, GoalSet, MetricAggregation
from pacer_testkit.stack import Stack, bearer, eventually, producer

PEOPLE = ("ann", "bob", "dan", "mia", "hana", "ada")
EARNERS = ("ann", "bob", "dan")
"""Assistants with a bonus statement for last month; nobody else has one."""
_THIS_MONTH = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
LAST_MONTH = ((_THIS_MONTH - timedelta(days=1)).replace(day=1), _THIS_MONTH)
TEMPLATE = {
    "name": "matrix-review",
    "title": "Monthly summary",
    "criteria": [{"key": "records", "name": "Customer-record quality", "weight": 60}],
    "goal_weight": 40,
}


def soon(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@dataclass
class Organisation:
    """The six services of one organisation, and what the probes share: made once, read by the probes
    (a missed goal is taken from `missed` by the one probe that analyses it)."""

    http: dict[str, httpx.AsyncClient]
    stack: Stack
    namespace: str
    goals: dict[str, str] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    checkins: dict[str, list[str]] = field(default_factory=dict)
    template_id: str = ""
    cycle_id: str = ""
    reviews: dict[str, str] = field(default_factory=dict)
    weekly: dict[str, str] = field(default_factory=dict)
    completed: dict[str, str] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)
    reply_token: str = ""
    released: dict[str, str] = field(default_factory=dict)
    plan_id: str = ""
    meetings: dict[str, str] = field(default_factory=dict)
    """A weekly meeting per team (north, south), by team."""
    release_anonymous: Callable[[], object] | None = None
    """Moves the feedback service to its next scheduled release of anonymous feedback."""

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        who: str | None,
        role: Role | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = bearer(who, role or ROLE_OF[who]) if who is not None else {}
        return await self.http[service].request(method, path, json=json, params=params, headers=headers)

    async def ok(
        self,
        service: str,
        method: str,
        path: str,
        who: str = "hana",
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """A setup call that must succeed."""
        response = await self.call(service, method, path, who, json=json, params=params)
        assert response.is_success, f"setup {method} {path} as {who}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    # ------------------------------------------------------------ goals

    async def goal(self, owner: str, *, activate: bool = True, seconds: float = 3600) -> str:
        body = goal_body(owner, activate=activate, seconds=seconds)
        return (await self.ok("goals", "POST", "/v1/goals", json=body))["goal_id"]  # type: ignore[no-any-return]

    async def adjustment(self, owner: str) -> tuple[str, str]:
        """A goal of `owner` with an adjustment they asked for (pending, unless they may approve it themselves)."""
        goal_id = await self.goal(owner)
        body = {"reason": "the campaign doubled", "new_target": 10}
        goal = await self.ok("goals", "POST", f"/v1/goals/{goal_id}/adjustments", who=owner, json=body)
        return goal_id, goal["adjustments"][-1]["adjustment_id"]

    async def _missed_goals(self, wanted: dict[str, int]) -> None:
        ids = {owner: [await self.goal(owner, seconds=3) for _ in range(count)] for owner, count in wanted.items()}

        async def all_missed() -> bool:
            found = await self.ok("goals", "GET", "/v1/goals", params={"status": "missed", "limit": 200})
            missed = {goal["goal_id"] for goal in found["items"]}
            return all(goal_id in missed for goals in ids.values() for goal_id in goals)

        await eventually(all_missed, timeout=60, what="the short goals to be called missed")
        self.missed = ids

    async def _due_checkins(self, wanted: dict[str, int]) -> None:
        """Weekly check-ins due for each person's goal, stored as the goals service's check-in worker stores them
        when the week's check-in hour comes (hours the matrix cannot wait for): one to read, one per answer."""
        now = datetime.now(UTC)
        made = {
            person: [
                CheckIn(
                    checkin_id=str(uuid.uuid4()),
                    owner_id=person,
                    team_id=None,
                    week_start=now - timedelta(days=7),
                    due_at=now,
                    remind_at=now + timedelta(days=1),
                    goal_titles={self.goals[person]: "Calls this sprint"},
                )
                for _ in range(wanted.get(person, 0) + 1)
            ]
            for person in PEOPLE
        }
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url, tz_aware=True)
        try:
            documents = [checkin_to_document(checkin) for checkins in made.values() for checkin in checkins]
            await client[f"{self.namespace}_goals"][WEEKLY_CHECKINS].insert_many(documents)
        finally:
            await client.close()
        self.checkins = {person: [c.checkin_id for c in checkins] for person, checkins in made.items()}

    # ------------------------------------------------------------ reviews

    async def cycle(self, people: list[str], cadence: str = "monthly") -> str:
        body = {
            "name": f"m-{uuid.uuid4().hex[:10]}",
            "cadence": cadence,
            "template_name": TEMPLATE["name"],
            "period_start": date.today().isoformat(),
            "person_ids": people,
        }
        return (await self.ok("reviews", "POST", "/v1/cycles", json=body))["cycle_id"]  # type: ignore[no-any-return]

    async def reviews_of(self, cycle_id: str) -> dict[str, str]:
        found = await self.ok("reviews", "GET", "/v1/reviews", params={"cycle_id": cycle_id})
        return {review["person_id"]: review["review_id"] for review in found["items"]}

    async def review(self, person: str) -> str:
        return (await self.reviews_of(await self.cycle([person])))[person]

    async def self_assessed(self, person: str) -> str:
        review_id = await self.review(person)
        await self.ok("reviews", "POST", f"/v1/reviews/{review_id}/self", who=person, json={"ratings": {"records": 4}})
        return review_id

    async def completed_review(self, person: str) -> str:
        review_id = await self.self_assessed(person)
        # Nobody completes their own review: hana's is completed by hr colleague outside this roster.
        assessor = "hana" if person != "hana" else "hr-desk"
        response = await self.call(
            "reviews", "POST", f"/v1/reviews/{review_id}/manager", assessor, Role.HR, json={"ratings": {"records": 3}}
        )
        assert response.is_success, f"setup: completing {person}'s review: {response.text}"
        return review_id

    async def training(self, person: str) -> str:
        body = {"person_id": person, "course_id": "crm-hygiene", "due_at": soon(days=30)}
        return (await self.ok("reviews", "POST", "/v1/training/assignments", json=body))["assignment_id"]  # type: ignore[no-any-return]

    async def meeting(self, team: str) -> str:
        """A weekly meeting of the team, scheduled by hr (its organizer: the team's manager)."""
        body = {"team_id": team, "cadence": "weekly", "weekday": 1, "hour": 9, "duration_minutes": 30}
        return (await self.ok("reviews", "POST", "/v1/meetings", json=body))["meeting_id"]  # type: ignore[no-any-return]

    async def held_meeting(self, team: str) -> str:
        """A weekly meeting of the team whose first occurrence began an hour ago: its minutes can be recorded."""
        began = datetime.now(ZoneInfo("Europe/Berlin")) - timedelta(hours=1)
        body = {
            "team_id": team,
            "cadence": "weekly",
            "weekday": began.weekday(),
            "hour": began.hour,
            "duration_minutes": 30,
            "timezone": "Europe/Berlin",
            "starts_on": began.date().isoformat(),
        }
        return (await self.ok("reviews", "POST", "/v1/meetings", json=body))["meeting_id"]  # type: ignore[no-any-return]

    async def action_item(self, person: str) -> str | None:
        """An open action item of `person` from their team's meeting; None for someone in no team meeting."""
        team = {"ann": "north", "bob": "north", "mia": "north", "dan": "south"}.get(person)
        if team is None:
            return None
        meeting_id = await self.held_meeting(team)
        item = {"text": "Follow up the quote", "owner_id": person, "due_at": soon(days=3)}
        minutes = await self.ok("reviews", "POST", f"/v1/meetings/{meeting_id}/minutes", json={"action_items": [item]})
        return minutes["action_items"][0]["item_id"]  # type: ignore[no-any-return]

    # ------------------------------------------------------------ feedback

    async def feedback_to(self, person: str) -> str:
        """Feedback to `person` from max, a manager of another team: the thread is max, `person` and their manager."""
        body = {"recipient_id": person, "kind": "praise", "text": "The handover notes were spotless."}
        return (await self.ok("feedback", "POST", "/v1/feedback", who="max", json=body))["feedback_id"]  # type: ignore[no-any-return]

    async def request_about(self, person: str, respondents: list[str]) -> str:
        body = {"about_id": person, "respondent_ids": respondents, "due_at": soon(days=7)}
        return (await self.ok("feedback", "POST", "/v1/feedback-requests", json=body))["request_id"]  # type: ignore[no-any-return]

    async def _anonymous(self) -> None:
        """Three authors about each subject, so each is released at the next scheduled release (k = 3) and can be
        read and answered; the team's own manager, who reads the results, cannot write them, and hr and admins, who
        read every result, do not count toward k."""
        subjects = {
            "north": ("team", ["ann", "bob", "dan"]),
            "south": ("team", ["dan", "bob", "mia"]),
        }
        for subject, (kind, authors) in subjects.items():
            for author in authors:
                body = {"subject_kind": kind, "subject_id": subject, "category": "concern", "text": "Too many tools."}
                receipt = await self.ok("feedback", "POST", "/v1/anonymous", who=author, json=body)
                self.reply_token = self.reply_token or receipt["reply_token"]
        assert self.release_anonymous is not None, "anonymous feedback is released only on schedule"
        self.release_anonymous()
        for subject, (kind, _) in subjects.items():

            async def released(kind: str = kind, subject: str = subject) -> Any:
                params = {"subject_kind": kind, "subject_id": subject}
                return await self.ok("feedback", "GET", "/v1/anonymous/aggregates", params=params)

            found = await eventually(released, timeout=60, what=f"the release of anonymous feedback about {subject}")
            self.released[subject] = found[0]["items"][0]["submission_id"]

    # ------------------------------------------------------------ incentives

    async def plan(self) -> str:
        """A plan covering last month: the ledger makes a statement per earner from the goal events below."""
        body = bonus_plan()
        await self.ok("incentives", "POST", "/v1/plans", json=body)

        async def calculated() -> bool:
            for person in EARNERS:
                response = await self.call("incentives", "GET", f"/v1/statements/{statement_id(body, person)}", "hana")
                if response.status_code != 200:
                    return False
            return True

        await eventually(calculated, timeout=60, what=f"the statements of plan {body['plan_id']}")
        return str(body["plan_id"])

    async def _last_month(self) -> None:
        """What goals would have published: each earner achieved a goal last month."""
        start, end = LAST_MONTH
        events: list[tuple[EventData, datetime]] = []
        for person in EARNERS:
            goal = GoalSet(
                goal_id=f"last-month-{person}",
                owner_id=person,
                team_id="south" if person == "dan" else "north",
                title="Calls last month",
                period_start=start,
                period_end=end,
                metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
                target=Decimal(10),
                unit="calls",
                set_by="hana",
            )
            about = {k: getattr(goal, k) for k in ("goal_id", "owner_id", "owner_kind", "team_id", "title")}
            done = GoalAchieved(
                **about,
                period_start=start,
                period_end=end,
                target=goal.target,
                actual=Decimal(12),
                achieved_at=start + timedelta(days=20),
                attainment=Decimal("1.2"),
            )
            events += [(goal, start), (done, start + timedelta(days=20))]
        async with producer(self.stack.kafka_bootstrap) as client:
            for data, time in events:
                envelope = wrap(data, source="/tests/security", time=time)
                topic = f"{self.namespace}.{data.topic}"
                await client.send_and_wait(topic, envelope.to_json(), key=data.subject.encode())

    # ------------------------------------------------------------ all of it

    async def prepare(self, probes_per_person: dict[str, int]) -> None:
        """What read-only probes look at: one of each thing per person, made by hr."""
        self.template_id = (await self.ok("reviews", "POST", "/v1/templates", json=TEMPLATE))["template_id"]
        self.goals = {person: await self.goal(person) for person in PEOPLE}
        await self._due_checkins(probes_per_person)
        self.cycle_id = await self.cycle(list(PEOPLE))
        self.reviews = await self.reviews_of(self.cycle_id)
        self.weekly = await self.reviews_of(await self.cycle(list(PEOPLE), cadence="weekly"))
        self.meetings = {team: await self.meeting(team) for team in ("north", "south")}
        self.feedback = {person: await self.feedback_to(person) for person in PEOPLE}
        self.requests = {person: await self.request_about(person, ["max"]) for person in PEOPLE}
        await self._last_month()
        await asyncio.gather(
            self._missed_goals(probes_per_person),
            self._anonymous(),
            self._completed_reviews(),
        )
        self.plan_id = await self.plan()

    async def _completed_reviews(self) -> None:
        self.completed = {person: await self.completed_review(person) for person in PEOPLE}


def bonus_plan() -> dict[str, Any]:
    return {
        "plan_id": f"bonus-{uuid.uuid4().hex[:10]}",
        "title": "Sales support bonus",
        "effective_from": LAST_MONTH[0].isoformat(),
        "effective_to": LAST_MONTH[1].isoformat(),
        "period": "monthly",
        "currency": "CNY",
        "base": {"kind": "fixed", "amount": "1000"},
        "tiers": [{"min_attainment": "0", "payout": "0"}, {"min_attainment": "1", "payout": "1"}],
        "accelerator": "1",
        "cap": "1.5",
    }


def statement_id(plan: dict[str, Any], person: str) -> str:
    return f"{plan['plan_id']}:{LAST_MONTH[0]:%Y%m%dT%H%M}:{person}"


def goal_body(owner: str, *, activate: bool = True, seconds: float = 3600) -> dict[str, Any]:
    return {
        "owner_id": owner,
        "title": "Calls this sprint",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 5,
        "unit": "calls",
        "start": soon(seconds=-1),
        "end": soon(seconds=seconds),
        "activate": activate,
    }
