"""How the role matrix exercises each endpoint: one call, about the caller's own, a team mate's or an outsider's data.

A probe first sets up what its call needs through the APIs, as someone entitled to (hr, mostly), then makes
the one call the matrix judges. Probes that change something work on resources made for them alone, so
the cells of the matrix never depend on each other or on their order.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import itemgetter
from typing import Any

import httpx
from security.organisation import EARNERS, TEMPLATE, Organisation, bonus_plan, goal_body, soon, statement_id
from security.support import CONNECTION, SALESFORCE_CONNECTION, Actor, Relation

from pacer_shared.auth import Role
from pacer_testkit.stack import bearer


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


@probe("*", "GET /v1/people")
async def _people(call: Call) -> Outcome:
    return await call.listed("/v1/people", {"team_id": call.team}, itemgetter("team_id"), call.team)


@probe("*", "GET /v1/people/{person_id}")
async def _person(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/people/{call.person}")


@probe("*", "GET /v1/people/{person_id}/export")
async def _personal_data(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/people/{call.person}/export")


@probe("*", "GET /v1/audit")
async def _audit(call: Call) -> Outcome:
    return await call.send("GET", "/v1/audit", params={"actor": call.person})


@probe("*", "GET /v1/audit/export.csv")
async def _audit_export(call: Call) -> Outcome:
    return await call.send("GET", "/v1/audit/export.csv", params={"actor": call.person})


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


@probe("goals", "GET /v1/goals/{goal_id}/progress")
async def _goal_progress(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/goals/{call.organisation.goals[call.person]}/progress")


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


@probe("goals", "GET /v1/checkins")
async def _list_checkins(call: Call) -> Outcome:
    wanted = call.organisation.checkins[call.person][0]
    return await call.listed("/v1/checkins", {"owner_id": call.person, "limit": 200}, itemgetter("checkin_id"), wanted)


@probe("goals", "POST /v1/checkins")
async def _request_checkin(call: Call) -> Outcome:
    return await call.send("POST", "/v1/checkins", json={"owner_id": call.person})


@probe("goals", "GET /v1/checkins/{checkin_id}")
async def _get_checkin(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/checkins/{call.organisation.checkins[call.person][0]}")


@probe("goals", "POST /v1/checkins/{checkin_id}/answer")
async def _answer_checkin(call: Call) -> Outcome:
    checkin_id = call.organisation.checkins[call.person].pop()
    return await call.send("POST", f"/v1/checkins/{checkin_id}/answer", json={"confidence": 4, "obstacles": "none"})


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
        "occurred_at": soon(seconds=0),
        "source_system": "crm",
    }
    return await call.send("POST", "/v1/sales-activities", json=activity)


@probe("goals", "GET /v1/local-sign-in/people")
async def _sign_in_roster(call: Call) -> Outcome:
    return await call.listed("/v1/local-sign-in/people", {"limit": 200}, itemgetter("person_id"), call.person)


@probe("goals", "POST /v1/local-sign-in")
async def _sign_in_as(call: Call) -> Outcome:
    return await call.send("POST", "/v1/local-sign-in", json={"person_id": call.person})


# ---------------------------------------------------------------- reviews


@probe("reviews", "POST /v1/templates")
async def _template(call: Call) -> Outcome:
    return await call.send("POST", "/v1/templates", json=TEMPLATE)


@probe("reviews", "GET /v1/templates/{template_id}")
async def _get_template(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/templates/{call.organisation.template_id}")


@probe("reviews", "GET /v1/templates")
async def _list_templates(call: Call) -> Outcome:
    return await call.send("GET", "/v1/templates")


@probe("reviews", "GET /v1/templates/{name}/versions")
async def _template_versions(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/templates/{TEMPLATE['name']}/versions")


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


@probe("reviews", "GET /v1/cycles")
async def _list_cycles(call: Call) -> Outcome:
    return await call.listed("/v1/cycles", {}, itemgetter("cycle_id"), call.organisation.cycle_id)


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


@probe("reviews", "POST /v1/meetings")
async def _schedule_meeting(call: Call) -> Outcome:
    body = {"team_id": call.team, "cadence": "monthly", "weekday": 0, "hour": 10, "duration_minutes": 60}
    return await call.send("POST", "/v1/meetings", json=body)


@probe("reviews", "GET /v1/meetings")
async def _list_meetings(call: Call) -> Outcome:
    wanted = call.organisation.meetings[call.team]
    return await call.listed("/v1/meetings", {"team_id": call.team}, itemgetter("meeting_id"), wanted)


@probe("reviews", "GET /v1/meetings/{meeting_id}")
async def _get_meeting(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/meetings/{call.organisation.meetings[call.team]}")


@probe("reviews", "GET /v1/meetings/{meeting_id}/agenda")
async def _meeting_agenda(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/meetings/{call.organisation.meetings[call.team]}/agenda")


@probe("reviews", "PATCH /v1/meetings/{meeting_id}")
async def _change_meeting(call: Call) -> Outcome:
    meeting_id = await call.organisation.meeting(call.team)
    return await call.send("PATCH", f"/v1/meetings/{meeting_id}", json={"hour": 11})


@probe("reviews", "POST /v1/meetings/{meeting_id}/cancel")
async def _cancel_meeting(call: Call) -> Outcome:
    meeting_id = await call.organisation.meeting(call.team)
    return await call.send("POST", f"/v1/meetings/{meeting_id}/cancel", json={})


@probe("reviews", "POST /v1/meetings/{meeting_id}/minutes")
async def _record_minutes(call: Call) -> Outcome:
    meeting_id = await call.organisation.held_meeting(call.team)
    return await call.send("POST", f"/v1/meetings/{meeting_id}/minutes", json={"decisions": ["Thursdays"]})


@probe("reviews", "GET /v1/meetings/{meeting_id}/minutes")
async def _read_minutes(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/meetings/{call.organisation.meetings[call.team]}/minutes")


@probe("reviews", "POST /v1/action-items/{item_id}/done")
async def _close_action_item(call: Call) -> Outcome:
    item_id = await call.organisation.action_item(call.person)
    if item_id is None:
        return Outcome.REFUSED  # hr and admins attend no team meeting: there is no item of theirs to close
    return await call.send("POST", f"/v1/action-items/{item_id}/done")


@probe("reviews", "GET /v1/role-profiles")
async def _role_profiles(call: Call) -> Outcome:
    return await call.listed("/v1/role-profiles", {}, itemgetter("name"), "sales-assistant")


@probe("reviews", "POST /v1/role-profiles")
async def _save_role_profile(call: Call) -> Outcome:
    # For the admin role, which no one is evaluated in: the assistants' profile, which other probes score, stays.
    body = {
        "name": f"p-{uuid.uuid4().hex[:10]}",
        "title": "Platform administrator",
        "role": "admin",
        "duties": [{"key": "key_accounts", "name": "Key accounts", "expectations": ["Visited monthly"]}],
    }
    return await call.send("POST", "/v1/role-profiles", json=body)


@probe("reviews", "GET /v1/role-profiles/{profile_id}")
async def _role_profile(call: Call) -> Outcome:
    return await call.send("GET", "/v1/role-profiles/sales-assistant:v1")


@probe("reviews", "POST /v1/templates/from-role-profile")
async def _template_from_profile(call: Call) -> Outcome:
    body = {"name": "duties", "title": "Duties", "profile_id": "sales-assistant:v1", "goal_weight": 20}
    return await call.send("POST", "/v1/templates/from-role-profile", json=body)


def _last_quarter() -> str:
    today = date.today()
    index = today.year * 4 + (today.month - 1) // 3 - 1
    return f"{index // 4}-Q{index % 4 + 1}"


@probe("reviews", "PUT /v1/duty-evaluations/{person_id}/{quarter}")
async def _score_duties(call: Call) -> Outcome:
    shown = await call.organisation.call("reviews", "GET", "/v1/duty-evaluations/ann", "hana", Role.HR)
    body = {"scores": {duty["key"]: 4 for duty in shown.json()["duties"]}}
    return await call.send("PUT", f"/v1/duty-evaluations/{call.person}/{_last_quarter()}", json=body)


@probe("reviews", "GET /v1/duty-evaluations/{person_id}")
async def _duty_trend(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/duty-evaluations/{call.person}")


@probe("reviews", "GET /v1/training/catalogue")
async def _catalogue(call: Call) -> Outcome:
    return await call.send("GET", "/v1/training/catalogue")


@probe("reviews", "GET /v1/training/assignments")
async def _training_of(call: Call) -> Outcome:
    return await call.send("GET", "/v1/training/assignments", params={"person_id": call.person})


@probe("reviews", "POST /v1/training/assignments")
async def _assign(call: Call) -> Outcome:
    body = {"person_id": call.person, "course_id": "follow-up", "due_at": soon(days=14)}
    return await call.send("POST", "/v1/training/assignments", json=body)


@probe("reviews", "POST /v1/training/assignments/{assignment_id}/complete")
async def _complete_training(call: Call) -> Outcome:
    assignment_id = await call.organisation.training(call.person)
    return await call.send("POST", f"/v1/training/assignments/{assignment_id}/complete")


PROGRAMME = {"title": "Product launch", "courses": [{"course_id": "product-basics"}, {"course_id": "follow-up"}]}


async def _programme(call: Call) -> str:
    """A programme made by hr for this probe alone."""
    made = await call.organisation.ok("reviews", "POST", "/v1/training/programmes", json=PROGRAMME)
    return str(made["programme_id"])


@probe("reviews", "PUT /v1/training/courses/{course_id}")
async def _put_course(call: Call) -> Outcome:
    body = {"title": "Objection handling", "category": "sales_skills", "duration_minutes": 60, "pass_mark": 70}
    return await call.send("PUT", f"/v1/training/courses/course-{uuid.uuid4().hex[:8]}", json=body)


async def _course(call: Call, retired: bool = False) -> str:
    """A course made by hr for this probe alone (retired if asked), so retiring it takes nothing from the others."""
    course_id = f"course-{uuid.uuid4().hex[:8]}"
    body = {"title": "Objection handling", "category": "sales_skills", "duration_minutes": 60}
    await call.organisation.ok("reviews", "PUT", f"/v1/training/courses/{course_id}", json=body)
    if retired:
        await call.organisation.ok("reviews", "POST", f"/v1/training/courses/{course_id}/retire")
    return course_id


@probe("reviews", "POST /v1/training/courses/{course_id}/retire")
async def _retire_course(call: Call) -> Outcome:
    return await call.send("POST", f"/v1/training/courses/{await _course(call)}/retire")


@probe("reviews", "POST /v1/training/courses/{course_id}/restore")
async def _restore_course(call: Call) -> Outcome:
    return await call.send("POST", f"/v1/training/courses/{await _course(call, retired=True)}/restore")


@probe("reviews", "GET /v1/training/programmes")
async def _programmes(call: Call) -> Outcome:
    return await call.send("GET", "/v1/training/programmes")


@probe("reviews", "POST /v1/training/programmes")
async def _create_programme(call: Call) -> Outcome:
    return await call.send("POST", "/v1/training/programmes", json=PROGRAMME)


@probe("reviews", "GET /v1/training/programmes/{programme_id}")
async def _one_programme(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/training/programmes/{await _programme(call)}")


@probe("reviews", "PUT /v1/training/programmes/{programme_id}")
async def _change_programme(call: Call) -> Outcome:
    changed = {**PROGRAMME, "title": "Product launch, second wave"}
    return await call.send("PUT", f"/v1/training/programmes/{await _programme(call)}", json=changed)


@probe("reviews", "POST /v1/training/programmes/{programme_id}/retire")
async def _retire_programme(call: Call) -> Outcome:
    return await call.send("POST", f"/v1/training/programmes/{await _programme(call)}/retire")


@probe("reviews", "POST /v1/training/programmes/{programme_id}/restore")
async def _restore_programme(call: Call) -> Outcome:
    programme_id = await _programme(call)
    await call.organisation.ok("reviews", "POST", f"/v1/training/programmes/{programme_id}/retire")
    return await call.send("POST", f"/v1/training/programmes/{programme_id}/restore")


@probe("reviews", "POST /v1/training/programmes/{programme_id}/enrolments")
async def _enrol(call: Call) -> Outcome:
    path = f"/v1/training/programmes/{await _programme(call)}/enrolments"
    return await call.send("POST", path, json={"person_ids": [call.person]})


@probe("reviews", "GET /v1/training/enrolments")
async def _enrolments(call: Call) -> Outcome:
    return await call.send("GET", "/v1/training/enrolments", params={"person_id": call.person})


# ---------------------------------------------------------------- feedback


@probe("feedback", "POST /v1/feedback")
async def _give(call: Call) -> Outcome:
    body = {"recipient_id": call.person, "kind": "praise", "text": "Quick and friendly with every customer."}
    return await call.send("POST", "/v1/feedback", json=body)


@probe("feedback", "POST /v1/feedback/{feedback_id}/replies")
async def _reply(call: Call) -> Outcome:
    feedback_id = call.organisation.feedback[call.person]
    return await call.send("POST", f"/v1/feedback/{feedback_id}/replies", json={"text": "Thank you!"})


@probe("feedback", "GET /v1/feedback/recipients")
async def _recipients(call: Call) -> Outcome:
    return await call.send("GET", "/v1/feedback/recipients")


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
    period = {"since": soon(days=-30), "until": soon(days=1)}
    return await call.send("GET", f"/v1/people/{call.person}/themes", params=period)


@probe("feedback", "POST /v1/feedback-requests")
async def _request(call: Call) -> Outcome:
    body = {"about_id": call.person, "respondent_ids": ["max"], "due_at": soon(days=7)}
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


@probe("feedback", "GET /v1/anonymous/terms")
async def _anonymous_terms(call: Call) -> Outcome:
    return await call.send("GET", "/v1/anonymous/terms")


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


@probe("notifications", "GET /v1/preference-options")
async def _preference_options(call: Call) -> Outcome:
    return await call.send("GET", "/v1/preference-options")


@probe("notifications", "GET /v1/preferences/{person_id}")
async def _preferences(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/preferences/{call.person}")


@probe("notifications", "PUT /v1/preferences/{person_id}")
async def _set_preferences(call: Call) -> Outcome:
    return await call.send("PUT", f"/v1/preferences/{call.person}", json={"channels": ["email"]})


@probe("notifications", "GET /v1/deliveries")
async def _deliveries(call: Call) -> Outcome:
    return await call.send("GET", "/v1/deliveries", params={"person_id": call.person})


@probe("notifications", "POST /v1/deliveries/{notification_id}/retry")
async def _retry_delivery(call: Call) -> Outcome:
    return await call.send("POST", "/v1/deliveries/matrix-no-such-notification/retry")


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
    params = {"person_id": call.person}
    if call.person not in EARNERS:  # a list without their statement in it is all there is to see
        return _hidden(call, await call.send("GET", "/v1/statements", params=params))
    wanted = _statement(call, call.organisation.plan_id)
    return await call.listed("/v1/statements", params, lambda item: item["explanation"]["statement_id"], wanted)


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


@probe("incentives", "GET /v1/values")
async def _values(call: Call) -> Outcome:
    return await call.send("GET", "/v1/values")


def _acting_lead(person: str) -> dict[str, Any]:
    body = {"person_id": person, "scope": "project", "scope_name": "Spring trade fair"}
    return {**body, "starts_on": "2026-03-01", "ends_on": "2026-04-30"}


@probe("incentives", "POST /v1/acting-leads")
async def _assign_acting_lead(call: Call) -> Outcome:
    return await call.send("POST", "/v1/acting-leads", json=_acting_lead(call.person))


@probe("incentives", "GET /v1/acting-leads")
async def _acting_leads(call: Call) -> Outcome:
    made = await call.organisation.ok("incentives", "POST", "/v1/acting-leads", json=_acting_lead(call.person))
    params = {"person_id": call.person}
    return await call.listed("/v1/acting-leads", params, lambda item: item["assignment_id"], made["assignment_id"])


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


# ---------------------------------------------------------------- analytics


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/series")
async def _assistant_series(call: Call) -> Outcome:
    return await call.send(
        "GET",
        f"/v1/analytics/assistants/{call.person}/series",
        params={"kind": "call", "from": "2026-06-01", "to": "2026-06-30"},
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/series")
async def _team_series(call: Call) -> Outcome:
    return await call.send(
        "GET",
        f"/v1/analytics/teams/{call.team}/series",
        params={"kind": "call", "from": "2026-06-01", "to": "2026-06-30"},
    )


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/change")
async def _assistant_change(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/assistants/{call.person}/change", params={"kind": "call", "month": "2026-06"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/series/by-assistant")
async def _team_series_by_assistant(call: Call) -> Outcome:
    return await call.send(
        "GET",
        f"/v1/analytics/teams/{call.team}/series/by-assistant",
        params={"kind": ["call", "deal_closed"], "from": "2026-06-01", "to": "2026-06-30"},
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/change")
async def _team_change(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/change", params={"kind": "call", "month": "2026-06"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/reports/{period}.{format}")
async def _team_report(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/analytics/teams/{call.team}/reports/2026-06.xlsx")


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/funnel")
async def _assistant_funnel(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/assistants/{call.person}/funnel", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/funnel")
async def _team_funnel(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/funnel", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/movers")
async def _team_movers(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/movers", params={"kind": "call", "month": "2026-06"}
    )


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/workload")
async def _assistant_workload(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/assistants/{call.person}/workload", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/period-change")
async def _assistant_period_change(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/assistants/{call.person}/period-change", params={"kind": "call", "period": "2026-Q2"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/period-change")
async def _team_period_change(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/period-change", params={"kind": "call", "period": "2026-Q2"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/warnings")
async def _team_warnings(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/warnings", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/training-effect")
async def _training_effect(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/analytics/assistants/{call.person}/training-effect")


@probe("analytics", "GET /v1/analytics/assistants/{assistant_id}/outcomes")
async def _assistant_outcomes(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/assistants/{call.person}/outcomes", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("analytics", "GET /v1/analytics/teams/{team_id}/outcomes")
async def _team_outcomes(call: Call) -> Outcome:
    return await call.send(
        "GET", f"/v1/analytics/teams/{call.team}/outcomes", params={"from": "2026-06-01", "to": "2026-06-30"}
    )


@probe("connectors", "GET /v1/connections")
async def _connections(call: Call) -> Outcome:
    return await call.listed("/v1/connections", {}, itemgetter("id"), CONNECTION)


@probe("connectors", "GET /v1/connections/{connection_id}")
async def _connection(call: Call) -> Outcome:
    return await call.send("GET", f"/v1/connections/{CONNECTION}")


@probe("connectors", "POST /v1/connections/{connection_id}/zoho/notify")
async def _zoho_callback(call: Call) -> Outcome:
    """A caller with any role, but not the CRM's channel token: refused whoever the bearer token names."""
    body = {"module": "Calls", "ids": ["1"], "operation": "insert", "channel_id": 1000, "token": "not-the-token"}
    return await call.send("POST", f"/v1/connections/{CONNECTION}/zoho/notify", json=body)


@probe("connectors", "POST /v1/connections/{connection_id}/salesforce/outbound")
async def _salesforce_outbound(call: Call) -> Outcome:
    """A caller with any role sending a well-formed Outbound Message, but from another org: refused."""
    message = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/'
        'envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http:'
        '//soap.sforce.com/2005/09/outbound"><OrganizationId>00D5e000000ZZZZEAG</OrganizationId><Notification><Id>'
        '04l5e00000Gx7QzAAJ</Id><sObject xsi:type="sf:Task" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>'
        "00T5e00000AbCdEAAV</sf:Id></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>"
    )
    response = await call.organisation.http["connectors"].post(
        f"/v1/connections/{SALESFORCE_CONNECTION}/salesforce/outbound",
        content=message,
        headers={"Content-Type": "text/xml", **bearer(call.caller.person_id, call.caller.role)},
    )
    return outcome_of(response)
