"""How the role matrix exercises each endpoint: one call, about the caller's own, a team mate's or an outsider's data.

A probe first sets up what its call needs through the APIs, as someone entitled to (hr, mostly), then makes
the one call the matrix judges. Probes that change something work on resources made for them alone, so
the cells of the matrix never depend on each other or on their order.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Any

import httpx
from security.support import ROLE_OF, Actor, Relation

from pacer_shared.auth import Role
from pacer_shared.events import EventData, wrap
from pacer_shared.events.goals import GoalAchieved, GoalMetric, GoalSet, MetricAggregation
from pacer_testkit.stack import Stack, bearer, eventually, producer

PEOPLE = ("ann", "bob", "dan", "mia", "hana", "ada")
EARNERS = ("ann", "bob", "dan")
"""Assistants with a bonus statement for last October; nobody else has one."""
OCTOBER = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
TEMPLATE = {
    "name": "matrix-review",
    "title": "Monthly summary",
    "criteria": [{"key": "records", "name": "Customer-record quality", "weight": 60}],
    "goal_weight": 40,
}


class Outcome(StrEnum):
    ALLOWED = "Y"
    FORBIDDEN = "N"
    REFUSED = "-"
    """Refused for a reason other than the caller's rights, e.g. feedback to oneself."""


def outcome_of(response: httpx.Response) -> Outcome:
    if response.is_success:
        return Outcome.ALLOWED
    if response.status_code == 403:
        return Outcome.FORBIDDEN
    if response.status_code in (400, 404, 409, 422):
        return Outcome.REFUSED
    raise AssertionError(
        f"{response.request.method} {response.request.url.path} answered {response.status_code}: {response.text}"
    )


def _soon(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@dataclass
class Organisation:
    """The five services of one organisation, and what the probes share: made once, only ever read."""

    http: dict[str, httpx.AsyncClient]
    stack: Stack
    namespace: str
    goals: dict[str, str] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
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
        return {review["person_id"]: review["review_id"] for review in found}

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
        body = {"person_id": person, "course_id": "crm-hygiene", "due_at": _soon(days=30)}
        return (await self.ok("reviews", "POST", "/v1/training/assignments", json=body))["assignment_id"]  # type: ignore[no-any-return]

    # ------------------------------------------------------------ feedback

    async def feedback_to(self, person: str) -> str:
        """Feedback to `person` from max, a manager of another team: the thread is max, `person` and their manager."""
        body = {"recipient_id": person, "kind": "praise", "text": "The handover notes were spotless."}
        return (await self.ok("feedback", "POST", "/v1/feedback", who="max", json=body))["feedback_id"]  # type: ignore[no-any-return]

    async def request_about(self, person: str, respondents: list[str]) -> str:
        body = {"about_id": person, "respondent_ids": respondents, "due_at": _soon(days=7)}
        return (await self.ok("feedback", "POST", "/v1/feedback-requests", json=body))["request_id"]  # type: ignore[no-any-return]

    async def _anonymous(self) -> None:
        """Three submissions about each subject, so each is released (k = 3) and can be read and answered."""
        subjects = {
            "north": ("team", ["ann", "bob", "mia"]),
            "south": ("team", ["dan", "max", "hana"]),
        }
        for subject, (kind, authors) in subjects.items():
            for author in authors:
                body = {"subject_kind": kind, "subject_id": subject, "category": "concern", "text": "Too many tools."}
                receipt = await self.ok("feedback", "POST", "/v1/anonymous", who=author, json=body)
                self.reply_token = self.reply_token or receipt["reply_token"]
            found = await self.ok(
                "feedback", "GET", "/v1/anonymous/aggregates", params={"subject_kind": kind, "subject_id": subject}
            )
            self.released[subject] = found[0]["items"][0]["submission_id"]

    # ------------------------------------------------------------ incentives

    async def plan(self) -> str:
        """A plan covering last October: the ledger makes a statement per earner from the goal events below."""
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

    async def _october(self) -> None:
        """What goals would have published: each earner achieved an October goal."""
        start, end = OCTOBER
        events: list[tuple[EventData, datetime]] = []
        for person in EARNERS:
            goal = GoalSet(
                goal_id=f"october-{person}",
                owner_id=person,
                team_id="south" if person == "dan" else "north",
                title="October calls",
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

    async def prepare(self, cells_about: dict[str, int]) -> None:
        """What read-only probes look at: one of each thing per person, made by hr."""
        self.template_id = (await self.ok("reviews", "POST", "/v1/templates", json=TEMPLATE))["template_id"]
        self.goals = {person: await self.goal(person) for person in PEOPLE}
        self.cycle_id = await self.cycle(list(PEOPLE))
        self.reviews = await self.reviews_of(self.cycle_id)
        self.weekly = await self.reviews_of(await self.cycle(list(PEOPLE), cadence="weekly"))
        self.feedback = {person: await self.feedback_to(person) for person in PEOPLE}
        self.requests = {person: await self.request_about(person, ["max"]) for person in PEOPLE}
        await self._october()
        await asyncio.gather(
            self._missed_goals(cells_about),
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
        "effective_from": OCTOBER[0].isoformat(),
        "effective_to": OCTOBER[1].isoformat(),
        "period": "monthly",
        "currency": "CNY",
        "base": {"kind": "fixed", "amount": "1000"},
        "tiers": [{"min_attainment": "0", "payout": "0"}, {"min_attainment": "1", "payout": "1"}],
        "accelerator": "1",
        "cap": "1.5",
    }


def statement_id(plan: dict[str, Any], person: str) -> str:
    return f"{plan['plan_id']}:{OCTOBER[0]:%Y%m%dT%H%M}:{person}"


def goal_body(owner: str, *, activate: bool = True, seconds: float = 3600) -> dict[str, Any]:
    return {
        "owner_id": owner,
        "title": "Calls this sprint",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 5,
        "unit": "calls",
        "start": _soon(seconds=-1),
        "end": _soon(seconds=seconds),
        "activate": activate,
    }


@dataclass(frozen=True)
class Call:
    """One cell of the matrix: `caller` acting on data of the person (or team) `relation` picks."""

    organisation: Organisation
    service: str
    caller: Actor
    relation: Relation

    @property
    def person(self) -> str:
        return self.caller.person(self.relation)

    @property
    def team(self) -> str:
        return self.caller.team_for(self.relation)

    async def send(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Outcome:
        response = await self.organisation.call(
            self.service, method, path, self.caller.person_id, self.caller.role, json, params
        )
        return outcome_of(response)

    async def listed(self, path: str, params: dict[str, Any], key: Callable[[Any], str], wanted: str) -> Outcome:
        """Reading through a list: allowed when the wanted item is in it, forbidden when it is left out."""
        response = await self.organisation.call(
            self.service, "GET", path, self.caller.person_id, self.caller.role, params=params
        )
        if outcome_of(response) is not Outcome.ALLOWED:
            return outcome_of(response)
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        return Outcome.ALLOWED if wanted in [key(item) for item in items] else Outcome.FORBIDDEN


Probe = Callable[[Call], Awaitable[Outcome]]
PROBES: dict[tuple[str, str], Probe] = {}


def probe(service: str, endpoint: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        PROBES[(service, endpoint)] = function
        return function

    return register


# ---------------------------------------------------------------- every service


@probe("*", "GET /healthz")
async def _healthz(call: Call) -> Outcome:
    return await call.send("GET", "/healthz")


@probe("*", "GET /readyz")
async def _readyz(call: Call) -> Outcome:
    """Not ready (503) on a machine too busy to answer its dependency checks in time is an answer too."""
    response = await call.organisation.call(call.service, "GET", "/readyz", call.caller.person_id, call.caller.role)
    return Outcome.ALLOWED if response.status_code in (200, 503) else outcome_of(response)


@probe("*", "GET /v1/people/{person_id}")
async def _person(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/people/{call.person}")


# ---------------------------------------------------------------- goals


@probe("goals", "POST /v1/goals/smart-check")
async def _smart_check(call: Call) -> Outcome:
    return await call.send("POST", "/v1/goals/smart-check", json=goal_body(call.person))


@probe("goals", "POST /v1/goals")
async def _set_goal(call: Call) -> Outcome:
    return await call.send("POST", "/v1/goals", json=goal_body(call.person))


@probe("goals", "GET /v1/goals")
async def _list_goals(call: Call) -> Outcome:
    wanted = call.organisation.goals[call.person]
    return await call.listed("/v1/goals", {"owner_id": call.person}, itemgetter("goal_id"), wanted)


@probe("goals", "GET /v1/goals/{goal_id}")
async def _get_goal(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/goals/{call.organisation.goals[call.person]}")


@probe("goals", "GET /v1/goals/{goal_id}/history")
async def _goal_history(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/goals/{call.organisation.goals[call.person]}/history")


@probe("goals", "POST /v1/goals/{goal_id}/activate")
async def _activate(call: Call) -> Outcome:
    goal_id = await call.organisation.goal(call.person, activate=False)
    return await call.send("POST", f"/v1/goals/{goal_id}/activate")


@probe("goals", "POST /v1/goals/{goal_id}/adjustments")
async def _adjust(call: Call) -> Outcome:
    goal_id = await call.organisation.goal(call.person)
    body = {"reason": "a trade fair week", "new_target": 8}
    return await call.send("POST", f"/v1/goals/{goal_id}/adjustments", json=body)


@probe("goals", "POST /v1/goals/{goal_id}/adjustments/{adjustment_id}/decision")
async def _decide(call: Call) -> Outcome:
    goal_id, adjustment_id = await call.organisation.adjustment(call.person)
    return await call.send("POST", f"/v1/goals/{goal_id}/adjustments/{adjustment_id}/decision", json={"approve": True})


@probe("goals", "POST /v1/goals/{goal_id}/cancel")
async def _cancel(call: Call) -> Outcome:
    goal_id = await call.organisation.goal(call.person)
    return await call.send("POST", f"/v1/goals/{goal_id}/cancel", json={"reason": "the product was withdrawn"})


@probe("goals", "POST /v1/goals/{goal_id}/miss-analysis")
async def _miss_analysis(call: Call) -> Outcome:
    goal_id = call.organisation.missed[call.person].pop()
    body = {"cause": "two sick days", "action_plan": "block calls every morning"}
    return await call.send("POST", f"/v1/goals/{goal_id}/miss-analysis", json=body)


@probe("goals", "GET /v1/teams/{team_id}/dashboard")
async def _dashboard(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/teams/{call.team}/dashboard")


@probe("goals", "POST /v1/sales-activities")
async def _ingest(call: Call) -> Outcome:
    activity = {
        "activity_id": str(uuid.uuid4()),
        "assistant_id": call.person,
        "kind": "call",
        "quantity": 1,
        "occurred_at": _soon(seconds=0),
        "source_system": "crm",
    }
    return await call.send("POST", "/v1/sales-activities", json=activity)


# ---------------------------------------------------------------- reviews


@probe("reviews", "POST /v1/templates")
async def _template(call: Call) -> Outcome:
    return await call.send("POST", "/v1/templates", json=TEMPLATE)


@probe("reviews", "GET /v1/templates/{template_id}")
async def _get_template(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/templates/{call.organisation.template_id}")


@probe("reviews", "POST /v1/cycles")
async def _open_cycle(call: Call) -> Outcome:
    body = {
        "name": f"m-{uuid.uuid4().hex[:10]}",
        "cadence": "monthly",
        "template_name": TEMPLATE["name"],
        "period_start": date.today().isoformat(),
        "person_ids": [call.person],
    }
    return await call.send("POST", "/v1/cycles", json=body)


@probe("reviews", "GET /v1/cycles/{cycle_id}/dashboard")
async def _cycle_dashboard(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/cycles/{call.organisation.cycle_id}/dashboard")


@probe("reviews", "GET /v1/reviews")
async def _list_reviews(call: Call) -> Outcome:
    wanted = call.organisation.reviews[call.person]
    return await call.listed("/v1/reviews", {"person_id": call.person}, itemgetter("review_id"), wanted)


@probe("reviews", "GET /v1/reviews/{review_id}")
async def _get_review(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/reviews/{call.organisation.reviews[call.person]}")


@probe("reviews", "POST /v1/reviews/{review_id}/self")
async def _self_assessment(call: Call) -> Outcome:
    review_id = await call.organisation.review(call.person)
    return await call.send("POST", f"/v1/reviews/{review_id}/self", json={"ratings": {"records": 4}})


@probe("reviews", "POST /v1/reviews/{review_id}/manager")
async def _manager_assessment(call: Call) -> Outcome:
    review_id = await call.organisation.self_assessed(call.person)
    return await call.send("POST", f"/v1/reviews/{review_id}/manager", json={"ratings": {"records": 3}})


@probe("reviews", "POST /v1/reviews/{review_id}/acknowledge")
async def _acknowledge(call: Call) -> Outcome:
    review_id = await call.organisation.completed_review(call.person)
    return await call.send("POST", f"/v1/reviews/{review_id}/acknowledge", json={"comment": "Fair."})


@probe("reviews", "GET /v1/reviews/{review_id}/score")
async def _score(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/reviews/{call.organisation.completed[call.person]}/score")


@probe("reviews", "GET /v1/reviews/{review_id}/agenda")
async def _agenda(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/reviews/{call.organisation.weekly[call.person]}/agenda")


@probe("reviews", "GET /v1/training/catalogue")
async def _catalogue(call: Call) -> Outcome:
    return await call.send("GET", "/v1/training/catalogue")


@probe("reviews", "POST /v1/training/assignments")
async def _assign(call: Call) -> Outcome:
    body = {"person_id": call.person, "course_id": "follow-up", "due_at": _soon(days=14)}
    return await call.send("POST", "/v1/training/assignments", json=body)


@probe("reviews", "POST /v1/training/assignments/{assignment_id}/complete")
async def _complete_training(call: Call) -> Outcome:
    assignment_id = await call.organisation.training(call.person)
    return await call.send("POST", f"/v1/training/assignments/{assignment_id}/complete")


# ---------------------------------------------------------------- feedback


@probe("feedback", "POST /v1/feedback")
async def _give(call: Call) -> Outcome:
    body = {"recipient_id": call.person, "kind": "praise", "text": "Quick and friendly with every customer."}
    return await call.send("POST", "/v1/feedback", json=body)


@probe("feedback", "POST /v1/feedback/{feedback_id}/replies")
async def _reply(call: Call) -> Outcome:
    feedback_id = call.organisation.feedback[call.person]
    return await call.send("POST", f"/v1/feedback/{feedback_id}/replies", json={"text": "Thank you!"})


@probe("feedback", "GET /v1/feedback/inbox")
async def _inbox(call: Call) -> Outcome:
    return await call.send("GET", "/v1/feedback/inbox")


@probe("feedback", "GET /v1/feedback/sent")
async def _sent(call: Call) -> Outcome:
    return await call.send("GET", "/v1/feedback/sent")


@probe("feedback", "GET /v1/people/{person_id}/feedback")
async def _feedback_about(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/people/{call.person}/feedback")


@probe("feedback", "GET /v1/people/{person_id}/themes")
async def _themes(call: Call) -> Outcome:
    period = {"since": _soon(days=-30), "until": _soon(days=1)}
    return await call.send("GET", f"/v1/people/{call.person}/themes", params=period)


@probe("feedback", "POST /v1/feedback-requests")
async def _request(call: Call) -> Outcome:
    body = {"about_id": call.person, "respondent_ids": ["max"], "due_at": _soon(days=7)}
    return await call.send("POST", "/v1/feedback-requests", json=body)


@probe("feedback", "POST /v1/feedback-requests/{request_id}/responses")
async def _respond(call: Call) -> Outcome:
    """A request (about max) that asked the person the relation picks."""
    request_id = await call.organisation.request_about("max", [call.person])
    body = {"kind": "improvement", "text": "Share the weekly numbers earlier."}
    return await call.send("POST", f"/v1/feedback-requests/{request_id}/responses", json=body)


@probe("feedback", "GET /v1/feedback-requests/{request_id}")
async def _request_summary(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/feedback-requests/{call.organisation.requests[call.person]}")


@probe("feedback", "POST /v1/anonymous")
async def _submit_anonymous(call: Call) -> Outcome:
    body = {"subject_kind": "company", "category": "suggestion", "text": "A quiet room for calls."}
    return await call.send("POST", "/v1/anonymous", json=body)


@probe("feedback", "POST /v1/anonymous/thread")
async def _read_thread(call: Call) -> Outcome:
    return await call.send("POST", "/v1/anonymous/thread", json={"reply_token": call.organisation.reply_token})


@probe("feedback", "POST /v1/anonymous/thread/replies")
async def _answer_thread(call: Call) -> Outcome:
    body = {"reply_token": call.organisation.reply_token, "text": "It happened again this week."}
    return await call.send("POST", "/v1/anonymous/thread/replies", json=body)


@probe("feedback", "GET /v1/anonymous/aggregates")
async def _aggregates(call: Call) -> Outcome:
    """Own: results about the caller as a manager; team: about their team; other: about the other team."""
    if call.relation is Relation.OWN:
        subject = {"subject_kind": "manager", "subject_id": call.caller.person_id}
    else:
        subject = {"subject_kind": "team", "subject_id": call.team}
    return await call.send("GET", "/v1/anonymous/aggregates", params=subject)


@probe("feedback", "POST /v1/anonymous/submissions/{submission_id}/replies")
async def _answer_submission(call: Call) -> Outcome:
    """A released submission about the caller's team (own, team) or the other team (other)."""
    submission_id = call.organisation.released[call.team]
    body = {"text": "We are hiring a second coordinator."}
    return await call.send("POST", f"/v1/anonymous/submissions/{submission_id}/replies", json=body)


# ---------------------------------------------------------------- notifications


@probe("notifications", "GET /v1/preferences/{person_id}")
async def _preferences(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/preferences/{call.person}")


@probe("notifications", "PUT /v1/preferences/{person_id}")
async def _set_preferences(call: Call) -> Outcome:
    return await call.send("PUT", f"/v1/preferences/{call.person}", json={"channels": ["email"]})


@probe("notifications", "GET /v1/deliveries")
async def _deliveries(call: Call) -> Outcome:
    return await call.send("GET", "/v1/deliveries", params={"person_id": call.person})


@probe("notifications", "POST /v1/test-send")
async def _test_send(call: Call) -> Outcome:
    return await call.send("POST", "/v1/test-send", json={"channel": "email", "to": "ops@example.com"})


# ---------------------------------------------------------------- incentives


@probe("incentives", "POST /v1/plans")
async def _create_plan(call: Call) -> Outcome:
    return await call.send("POST", "/v1/plans", json=bonus_plan())


@probe("incentives", "GET /v1/plans")
async def _plans(call: Call) -> Outcome:
    return await call.send("GET", "/v1/plans")


@probe("incentives", "GET /v1/plans/{plan_id}")
async def _plan_versions(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/plans/{call.organisation.plan_id}")


@probe("incentives", "POST /v1/plans/simulate")
async def _simulate(call: Call) -> Outcome:
    return await call.send("POST", "/v1/plans/simulate", json={"plan": bonus_plan()})


def _statement(call: Call, plan_id: str) -> str:
    return statement_id({"plan_id": plan_id}, call.person)


def _hidden(call: Call, outcome: Outcome) -> Outcome:
    """Statements answer 404 to whom may not see them: for someone who earned one, that is forbidden;
    for someone who has none, there is nothing to see."""
    if call.person not in EARNERS:
        return outcome if outcome is Outcome.FORBIDDEN else Outcome.REFUSED
    return Outcome.FORBIDDEN if outcome is Outcome.REFUSED else outcome


@probe("incentives", "GET /v1/statements")
async def _statements(call: Call) -> Outcome:
    wanted = _statement(call, call.organisation.plan_id)
    listing = await call.listed(
        "/v1/statements", {"person_id": call.person}, lambda item: item["explanation"]["statement_id"], wanted
    )
    return _hidden(call, listing)


@probe("incentives", "GET /v1/statements/{statement_id}")
async def _get_statement(call: Call) -> Outcome:
    return _hidden(call, await call.send("GET", f"/v1/statements/{_statement(call, call.organisation.plan_id)}"))


@probe("incentives", "POST /v1/statements/{statement_id}/approve")
async def _approve(call: Call) -> Outcome:
    """At the caller's turn: a fresh statement for a manager; for hr, one the person's manager approved first."""
    statement = _statement(call, await call.organisation.plan())
    if call.caller.role is Role.HR and call.person in EARNERS:
        manager = "max" if call.person == "dan" else "mia"
        await call.organisation.ok("incentives", "POST", f"/v1/statements/{statement}/approve", who=manager)
    return _hidden(call, await call.send("POST", f"/v1/statements/{statement}/approve"))


@probe("incentives", "GET /v1/ignored-events")
async def _ignored(call: Call) -> Outcome:
    return await call.send("GET", "/v1/ignored-events")


@probe("incentives", "POST /v1/awards")
async def _award(call: Call) -> Outcome:
    body = {"person_id": call.person, "name": "Star of the month", "citation": "Rebuilt the customer index."}
    return await call.send("POST", "/v1/awards", json=body)


@probe("incentives", "POST /v1/kudos")
async def _kudos(call: Call) -> Outcome:
    return await call.send("POST", "/v1/kudos", json={"to": call.person, "message": "Thanks for covering my calls."})


@probe("incentives", "GET /v1/kudos/budget")
async def _kudos_budget(call: Call) -> Outcome:
    return await call.send("GET", "/v1/kudos/budget")


@probe("incentives", "GET /v1/recognitions")
async def _recognitions(call: Call) -> Outcome:
    return await call.send("GET", "/v1/recognitions", params={"person_id": call.person})


@probe("incentives", "GET /v1/teams/{team_id}/leaderboard")
async def _leaderboard(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/teams/{call.team}/leaderboard")


@probe("incentives", "GET /v1/promotions")
async def _promotions(call: Call) -> Outcome:
    return await call.send("GET", "/v1/promotions")
