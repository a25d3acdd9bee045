"""Who may read and change what: every endpoint of every service × every role × own / team / other data.

The six services and the connectors run as processes against the real stack with one organisation in their
roster (support.py): mia manages ann and bob in team north, max manages dan in team south, hana is hr,
ada an admin, crm-sync a machine. Each role calls as one of them, about its own data, a team mate's
(a report's, for a manager) and an outsider's (dan's, or team south's); probes.py says how each
endpoint is exercised, organisation.py what the probes find made. Without a token only the health
endpoints, local mode's sign-in and the CRM callbacks (checked by their channel's token) answer; the SCIM endpoint
answers only the identity provider's own token, never a role's (OWN_TOKEN). An endpoint
a service publishes in its /openapi.json that the table does not list fails the suite: it has to be classified
here.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from security.organisation import TEMPLATE, Organisation, bonus_plan, goal_body, statement_id
from security.probes import PROBES, Call, Outcome
from security.support import ACTORS, ROLE_OF, Relation, organisation

from pacer_shared.auth import Role
from pacer_testkit.platform import EXTRA_SERVICES, SERVICES
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import Stack, eventually, producer, publish

# The first test also waits for the six services to start and the organisation's data to be made.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]

# Columns are the caller's role. A cell of three letters is own / team / other, in that order; one letter
# holds for all three (a machine has no data of its own, so only team and other are tried for it).
#   Y  allowed: 2xx, or, for a list, the item is in it
#   N  forbidden: 403, or, for a list, the item is left out
#   -  refused for another reason, whoever asks: feedback or kudos to oneself; hr's own goal adjustments
#      never wait for approval, so there is nothing to decide; only assistants earn bonus statements; hr and
#      admins attend no team meeting, so no action item is theirs; an admin's retry of a notification is probed
#      on one that does not exist (404): past the role check, retries themselves are
#      services/notifications/tests/test_delivery_history.py
# Local sign-in answers anyone, with a token or without, in local mode (as here) and no one in production
# (services/goals/tests/test_local_sign_in.py).
# "*" rows are on every service.
MATRIX = """
service        endpoint                                                           assistant manager  hr   admin  service
*              GET  /healthz                                                      Y         Y        Y    Y      Y
*              GET  /readyz                                                       Y         Y        Y    Y      Y
*              GET  /v1/people                                                    N         N        Y    Y      N
*              GET  /v1/people/{person_id}                                        YNN       YYN      Y    Y      N
*              GET  /v1/audit                                                     N         N        Y    Y      N
*              GET  /v1/audit/export.csv                                          N         N        Y    Y      N
*              GET  /v1/people/{person_id}/export                                 N         N        Y    Y      N

goals          POST /v1/goals/smart-check                                         YNN       YYN      Y    Y      N
goals          POST /v1/goals                                                     YNN       YYN      Y    Y      N
goals          GET  /v1/goals                                                     YNN       YYN      Y    Y      N
goals          GET  /v1/goals/{goal_id}                                           YNN       YYN      Y    Y      N
goals          GET  /v1/goals/{goal_id}/history                                   YNN       YYN      Y    Y      N
goals          GET  /v1/goals/{goal_id}/progress                                  YNN       YYN      Y    Y      N
goals          POST /v1/goals/{goal_id}/activate                                  YNN       YYN      Y    Y      N
goals          POST /v1/goals/{goal_id}/adjustments                               YNN       YYN      Y    Y      N
goals          POST /v1/goals/{goal_id}/adjustments/{adjustment_id}/decision      N         NYN      -YY  -YY    N
goals          POST /v1/goals/{goal_id}/cancel                                    N         NYN      Y    Y      N
goals          POST /v1/goals/{goal_id}/miss-analysis                             YNN       YYN      Y    Y      N
goals          GET  /v1/checkins                                                  YNN       YYN      Y    Y      N
goals          POST /v1/checkins                                                  N         NYN      NYY  NYY    N
goals          GET  /v1/checkins/{checkin_id}                                     YNN       YYN      Y    Y      N
goals          POST /v1/checkins/{checkin_id}/answer                              YNN       YNN      YNN  YNN    N
goals          GET  /v1/teams/{team_id}/dashboard                                 N         YYN      Y    Y      N
goals          POST /v1/sales-activities                                          N         N        N    Y      Y
goals          GET  /v1/local-sign-in/people                                      Y         Y        Y    Y      Y
goals          POST /v1/local-sign-in                                             Y         Y        Y    Y      Y

reviews        POST /v1/templates                                                 N         N        Y    Y      N
reviews        GET  /v1/templates/{template_id}                                   Y         Y        Y    Y      N
reviews        GET  /v1/templates                                                 Y         Y        Y    Y      N
reviews        GET  /v1/templates/{name}/versions                                 Y         Y        Y    Y      N
reviews        POST /v1/cycles                                                    N         NYN      Y    Y      N
reviews        GET  /v1/cycles                                                    N         N        Y    Y      N
reviews        GET  /v1/cycles/{cycle_id}/dashboard                               N         N        Y    Y      N
reviews        GET  /v1/reviews                                                   YNN       YYN      Y    Y      N
reviews        GET  /v1/reviews/{review_id}                                       YNN       YYN      Y    Y      N
reviews        POST /v1/reviews/{review_id}/self                                  YNN       YNN      YNN  YNN    N
reviews        POST /v1/reviews/{review_id}/manager                               N         NYN      NYY  N      N
reviews        POST /v1/reviews/{review_id}/acknowledge                           YNN       YNN      YNN  YNN    N
reviews        GET  /v1/reviews/{review_id}/score                                 YNN       YYN      Y    Y      N
reviews        GET  /v1/reviews/{review_id}/agenda                                YNN       YYN      Y    Y      N
reviews        GET  /v1/training/catalogue                                        Y         Y        Y    Y      N
reviews        GET  /v1/training/assignments                                      YNN       YYN      Y    Y      N
reviews        POST /v1/training/assignments                                      N         NYN      Y    Y      N
reviews        POST /v1/training/assignments/{assignment_id}/complete             YNN       YNN      YNN  YNN    N
reviews        PUT  /v1/training/courses/{course_id}                              N         N        Y    Y      N
reviews        POST /v1/training/courses/{course_id}/retire                       N         N        Y    Y      N
reviews        POST /v1/training/courses/{course_id}/restore                      N         N        Y    Y      N
reviews        GET  /v1/training/programmes                                       Y         Y        Y    Y      N
reviews        POST /v1/training/programmes                                       N         N        Y    Y      N
reviews        GET  /v1/training/programmes/{programme_id}                        Y         Y        Y    Y      N
reviews        PUT  /v1/training/programmes/{programme_id}                        N         N        Y    Y      N
reviews        POST /v1/training/programmes/{programme_id}/retire                 N         N        Y    Y      N
reviews        POST /v1/training/programmes/{programme_id}/restore                N         N        Y    Y      N
reviews        POST /v1/training/programmes/{programme_id}/enrolments             N         N        Y    Y      N
reviews        GET  /v1/training/enrolments                                       YNN       YYN      Y    Y      N
reviews        POST /v1/meetings                                                  N         YYN      Y    N      N
reviews        GET  /v1/meetings                                                  YYN       YYN      Y    N      N
reviews        GET  /v1/meetings/{meeting_id}                                     YYN       YYN      Y    N      N
reviews        GET  /v1/meetings/{meeting_id}/agenda                              YYN       YYN      Y    N      N
reviews        PATCH /v1/meetings/{meeting_id}                                   N         YYN      Y    N      N
reviews        POST /v1/meetings/{meeting_id}/cancel                              N         YYN      Y    N      N
reviews        POST /v1/meetings/{meeting_id}/minutes                             N         YYN      Y    N      N
reviews        GET  /v1/meetings/{meeting_id}/minutes                             YYN       YYN      Y    N      N
reviews        POST /v1/action-items/{item_id}/done                               YNN       YYN      -YY  -NN    N
reviews        GET  /v1/role-profiles                                             Y         Y        Y    Y      N
reviews        POST /v1/role-profiles                                             N         N        Y    Y      N
reviews        GET  /v1/role-profiles/{profile_id}                                Y         Y        Y    Y      N
reviews        POST /v1/templates/from-role-profile                               N         N        Y    Y      N
reviews        PUT  /v1/duty-evaluations/{person_id}/{quarter}                    N         NYN      NYY  N      N
reviews        GET  /v1/duty-evaluations/{person_id}                              YNN       YYN      Y    Y      N

feedback       POST /v1/feedback                                                  -YY       -YY      -YY  -YY    N
feedback       POST /v1/feedback/{feedback_id}/replies                            YNN       YYN      YNN  YNN    N
feedback       GET  /v1/feedback/recipients                                       Y         Y        Y    Y      N
feedback       GET  /v1/feedback/inbox                                            Y         Y        Y    Y      N
feedback       GET  /v1/feedback/sent                                             Y         Y        Y    Y      N
feedback       GET  /v1/people/{person_id}/feedback                               YNN       YYN      Y    Y      N
feedback       GET  /v1/people/{person_id}/themes                                 YNN       YYN      Y    Y      N
feedback       POST /v1/feedback-requests                                         N         NYN      Y    Y      N
feedback       POST /v1/feedback-requests/{request_id}/responses                  YNN       YNN      YNN  YNN    N
feedback       GET  /v1/feedback-requests/{request_id}                            N         NYN      Y    Y      N
feedback       GET  /v1/anonymous/terms                                           Y         Y        Y    Y      N
feedback       POST /v1/anonymous                                                 Y         Y        Y    Y      N
feedback       POST /v1/anonymous/thread                                          Y         Y        Y    Y      N
feedback       POST /v1/anonymous/thread/replies                                  Y         Y        Y    Y      N
feedback       GET  /v1/anonymous/aggregates                                      N         YYN      Y    Y      N
feedback       POST /v1/anonymous/submissions/{submission_id}/replies             N         YYN      Y    N      N

notifications  GET  /v1/preference-options                                        Y         Y        Y    Y      N
notifications  GET  /v1/preferences/{person_id}                                   YNN       YNN      Y    Y      N
notifications  PUT  /v1/preferences/{person_id}                                   YNN       YNN      Y    Y      N
notifications  GET  /v1/deliveries                                                YNN       YYN      Y    Y      N
notifications  POST /v1/deliveries/{notification_id}/retry                        N         N        N    -      N
notifications  POST /v1/test-send                                                 N         N        N    Y      N

incentives     POST /v1/plans                                                     N         N        Y    N      N
incentives     GET  /v1/plans                                                     N         Y        Y    N      N
incentives     GET  /v1/plans/{plan_id}                                           N         Y        Y    N      N
incentives     POST /v1/plans/simulate                                            N         N        Y    N      N
incentives     GET  /v1/statements                                                YNN       -YN      -YY  -NN    N
incentives     GET  /v1/statements/{statement_id}                                 YNN       -YN      -YY  -NN    N
incentives     POST /v1/statements/{statement_id}/approve                         N         -YN      -YY  N      N
incentives     GET  /v1/ignored-events                                            N         N        Y    N      N
incentives     POST /v1/awards                                                    N         NYN      Y    N      N
incentives     POST /v1/kudos                                                     -YY       -YY      -YY  -YY    N
incentives     GET  /v1/values                                                    Y         Y        Y    Y      N
incentives     POST /v1/acting-leads                                              N         NYN      Y    N      N
incentives     GET  /v1/acting-leads                                              YNN       YYN      Y    YNN    N
incentives     GET  /v1/kudos/budget                                              Y         Y        Y    Y      N
incentives     GET  /v1/recognitions                                              Y         Y        Y    Y      N

analytics      GET  /v1/analytics/assistants/{assistant_id}/series                YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/series                          N         YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/series/by-assistant             N         YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/change                YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/change                          N         YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/reports/{period}.{format}       N         YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/funnel                YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/funnel                          N         YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/outcomes              YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/outcomes                        N         YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/movers                          N         YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/training-effect       YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/workload              YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/assistants/{assistant_id}/period-change         YNN       YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/period-change                   N         YYN      Y    Y      N
analytics      GET  /v1/analytics/teams/{team_id}/warnings                        N         YYN      Y    Y      N

connectors     GET  /v1/connections                                               N         N        Y    Y      N
connectors     GET  /v1/connections/{connection_id}                               N         N        Y    Y      N
connectors     POST /v1/connections/{connection_id}/zoho/notify                   N         N        N    N      N
connectors     POST /v1/connections/{connection_id}/salesforce/outbound           N         N        N    N      N
incentives     GET  /v1/teams/{team_id}/leaderboard                               YYN       YYN      Y    N      N
incentives     GET  /v1/promotions                                                N         N        Y    N      N
"""
# The SCIM endpoint answers the identity provider's own token (PACER_CONNECTORS_SCIM_TOKEN) and no role's JWT, so it
# has no row above: every role is refused alike, with 401, which test_scim_answers_no_role_s_token checks.
OWN_TOKEN = {
    "GET /scim/v2/Users",
    "POST /scim/v2/Users",
    "GET /scim/v2/Users/{user_id}",
    "PUT /scim/v2/Users/{user_id}",
    "PATCH /scim/v2/Users/{user_id}",
    "DELETE /scim/v2/Users/{user_id}",
    "GET /scim/v2/Groups",
    "POST /scim/v2/Groups",
    "GET /scim/v2/Groups/{group_id}",
    "PUT /scim/v2/Groups/{group_id}",
    "PATCH /scim/v2/Groups/{group_id}",
    "DELETE /scim/v2/Groups/{group_id}",
    "GET /scim/v2/ServiceProviderConfig",
    "GET /scim/v2/ResourceTypes",
    "GET /scim/v2/ResourceTypes/{name}",
    "GET /scim/v2/Schemas",
    "GET /scim/v2/Schemas/{schema_id}",
}
PUBLIC = {
    "GET /healthz",
    "GET /readyz",
    "GET /v1/local-sign-in/people",
    "POST /v1/local-sign-in",
    # The CRM calls back without a bearer token: the channel's token in the body is what it is checked by.
    "POST /v1/connections/{connection_id}/zoho/notify",
    # Salesforce's Outbound Messages carry no bearer token either: the org id in the message is checked.
    "POST /v1/connections/{connection_id}/salesforce/outbound",
}


@dataclass(frozen=True)
class Row:
    service: str
    endpoint: str
    cells: dict[Role, str]

    def expected(self, role: Role, relation: Relation) -> Outcome:
        cell = self.cells[role]
        return Outcome(cell if len(cell) == 1 else cell[list(Relation).index(relation)])


def parse(table: str) -> list[Row]:
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    header, body = lines[0], lines[1:]
    roles = [Role(name) for name in header[2:]]
    rows = []
    for service, method, path, *cells in body:
        assert len(cells) == len(roles), f"{method} {path}: one cell per role"
        assert all(len(c) in (1, 3) and set(c) <= set("YN-") for c in cells), f"{method} {path}: cells are Y, N, -"
        assert len(cells[roles.index(Role.SERVICE)]) == 1, f"{method} {path}: a machine has no own data"
        rows.append(Row(service, f"{method} {path}", dict(zip(roles, cells, strict=True))))
    return rows


ROWS = parse(MATRIX)
MATRIX_SERVICES = sorted([*SERVICES, *EXTRA_SERVICES])
CASES = [(service, row) for row in ROWS for service in (MATRIX_SERVICES if row.service == "*" else [row.service])]


def _probes_per_person() -> dict[str, int]:
    """How many cells of one row concern each person (a row that uses up resources needs that many)."""
    counts: dict[str, int] = {}
    for actor in ACTORS.values():
        for relation in actor.relations:
            counts[actor.person(relation)] = counts.get(actor.person(relation), 0) + 1
    return counts


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Organisation]:
    async with (
        organisation(stack, tmp_path_factory.mktemp("matrix"), with_connectors=True) as platform,
        AsyncExitStack() as clients,
    ):
        # A fresh connection per request: reusing one that the server is closing as idle fails the request.
        fresh = httpx.Limits(max_keepalive_connections=0)
        http = {
            name: await clients.enter_async_context(httpx.AsyncClient(base_url=service.url, timeout=30, limits=fresh))
            for name, service in platform.services.items()
        }
        world = Organisation(http, stack, platform.namespace, release_anonymous=platform.release_anonymous_feedback)
        await world.prepare(_probes_per_person())
        yield world


async def _operations(world: Organisation, service: str) -> set[str]:
    document = (await world.http[service].get("/openapi.json")).json()
    return {f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods}


@pytest.mark.parametrize("service", MATRIX_SERVICES)
async def test_every_endpoint_a_service_publishes_is_classified(world: Organisation, service: str) -> None:
    published = await _operations(world, service)
    listed = {row.endpoint for row in ROWS if row.service in ("*", service)} | (
        OWN_TOKEN if service == "connectors" else set()
    )
    assert published - listed == set(), f"{service}: add these endpoints to the role matrix"
    assert listed - published == set(), f"{service}: these rows of the role matrix are gone from the API"
    assert all((row.service, row.endpoint) in PROBES for row in ROWS), "every row needs a probe"


@pytest.mark.parametrize(("service", "row"), CASES, ids=[f"{service} {row.endpoint}" for service, row in CASES])
async def test_each_role_reaches_exactly_what_the_matrix_allows(world: Organisation, service: str, row: Row) -> None:
    probe = PROBES[(row.service, row.endpoint)]
    calls = [
        (Call(world, service, actor, relation), row.expected(role, relation))
        for role, actor in ACTORS.items()
        for relation in actor.relations
    ]
    at_once = asyncio.Semaphore(4)

    async def judged(call: Call) -> Outcome:
        async with at_once:
            return await probe(call)

    outcomes = await asyncio.gather(*(judged(call) for call, _ in calls))
    wrong = [
        f"{call.caller.role} {call.caller.person_id} on {call.relation} data ({call.person}): "
        f"expected {expected.value}, got {got.value}"
        for (call, expected), got in zip(calls, outcomes, strict=True)
        if got is not expected
    ]
    assert wrong == [], f"{service} {row.endpoint}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("service", MATRIX_SERVICES)
async def test_without_a_token_only_health_and_local_sign_in_answer(world: Organisation, service: str) -> None:
    refused = {}
    for endpoint in sorted(await _operations(world, service)):
        method, path = endpoint.split(" ")
        response = await world.http[service].request(method, path.replace("{", "").replace("}", ""))
        refused[endpoint] = response.status_code == 401
    assert refused == {endpoint: endpoint not in PUBLIC for endpoint in refused}


async def test_scim_answers_no_role_s_token(world: Organisation) -> None:
    """Every role's JWT, an admin's too, is refused on every SCIM endpoint as no SCIM credential, in SCIM's form."""
    answers = {}
    for endpoint in sorted(OWN_TOKEN):
        method, path = endpoint.split(" ")
        for role, actor in ACTORS.items():
            response = await world.call(
                "connectors", method, path.replace("{", "").replace("}", ""), actor.person_id, role
            )
            error = response.json() if response.status_code == 401 else {}
            answers[f"{role} {endpoint}"] = error.get("schemas") == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert answers == {answer: True for answer in answers}


async def audit_of(world: Organisation, service: str, **wanted: str) -> list[dict[str, Any]]:
    page = await world.ok(service, "GET", "/v1/audit", params={**wanted, "limit": 1000})
    return page["items"]  # type: ignore[no-any-return]


async def test_each_sensitive_read_and_change_writes_one_audit_record(world: Organisation) -> None:
    """Who, what, which resource, when and from where; in the service that served it, readable by hr."""
    # The matrix's probes read some of the same resources before: what counts is one more record each.
    read_before = [
        ("reviews", "mia", "review.read", f"review/{world.completed['bob']}"),
        ("feedback", "mia", "feedback.read", "person/bob/feedback"),
        ("feedback", "mia", "anonymous_results.read", "team/north"),
        ("notifications", "ada", "preferences.changed_for_someone", "person/dan/preferences"),
        ("reviews", "mia", "review.listed", "reviews?person_id=bob&cycle_id=*"),
        ("incentives", "mia", "bonus_statement.listed", "statements?person_id=ann"),
    ]
    before = {
        row: len(await audit_of(world, row[0], actor=row[1], action=row[2], resource=row[3])) for row in read_before
    }
    goal_id, adjustment_id = await world.adjustment("ann")
    await world.ok(
        "goals", "POST", f"/v1/goals/{goal_id}/adjustments/{adjustment_id}/decision", "mia", {"approve": True}
    )
    refused_goal, refused = await world.adjustment("bob")
    await world.ok(
        "goals", "POST", f"/v1/goals/{refused_goal}/adjustments/{refused}/decision", "mia", {"approve": False}
    )
    plan = bonus_plan()
    await world.ok("incentives", "POST", "/v1/plans", json=plan)
    statement = statement_id(plan, "ann")

    async def calculated() -> bool:
        response = await world.call("incentives", "GET", f"/v1/statements/{statement}", "ann")
        return response.status_code == 200

    await eventually(calculated, timeout=60, what="ann's statement")  # read by ann: the first record of it
    await world.ok("incentives", "POST", f"/v1/statements/{statement}/approve", "mia")
    template = {**TEMPLATE, "name": f"audited-{uuid.uuid4().hex[:8]}"}
    template_id = (await world.ok("reviews", "POST", "/v1/templates", json=template))["template_id"]
    duties = [{"key": "key_accounts", "name": "Key accounts", "expectations": ["Visited monthly"]}]
    profile = {"name": f"audited-{uuid.uuid4().hex[:8]}", "title": "Audited", "role": "admin", "duties": duties}
    profile_id = (await world.ok("reviews", "POST", "/v1/role-profiles", json=profile))["profile_id"]
    course = f"audited-{uuid.uuid4().hex[:8]}"
    about = {"title": "Audited course", "category": "product", "duration_minutes": 30}
    await world.ok("reviews", "PUT", f"/v1/training/courses/{course}", json=about)
    await world.ok("reviews", "POST", f"/v1/training/courses/{course}/retire")
    await world.ok("reviews", "POST", f"/v1/training/courses/{course}/restore")
    steps = {"title": "Audited programme", "courses": [{"course_id": course, "due_days": 7}], "onboarding": False}
    programme_id = (await world.ok("reviews", "POST", "/v1/training/programmes", json=steps))["programme_id"]
    await world.ok("reviews", "POST", f"/v1/training/programmes/{programme_id}/retire")
    await world.ok("reviews", "GET", f"/v1/reviews/{world.completed['bob']}", "mia")
    await world.ok("reviews", "GET", "/v1/reviews", "mia", params={"person_id": "bob"})
    await world.ok("incentives", "GET", "/v1/statements", "mia", params={"person_id": "ann"})
    await world.ok("feedback", "GET", "/v1/people/bob/feedback", "mia")
    await world.ok(
        "feedback", "GET", "/v1/anonymous/aggregates", "mia", params={"subject_kind": "team", "subject_id": "north"}
    )
    preferences = {"channels": ["email"]}
    await world.ok("notifications", "PUT", "/v1/preferences/dan", "ada", json=preferences)

    expected = [
        ("goals", "ann", "goal_adjustment.requested", f"goal/{goal_id}/adjustment/{adjustment_id}"),
        ("goals", "mia", "goal_adjustment.approved", f"goal/{goal_id}/adjustment/{adjustment_id}"),
        ("goals", "mia", "goal_adjustment.rejected", f"goal/{refused_goal}/adjustment/{refused}"),
        ("incentives", "hana", "bonus_plan.adopted", f"plan/{plan['plan_id']}/version/1"),
        ("incentives", "mia", "bonus_statement.approved", f"statement/{statement}"),
        ("reviews", "hana", "review_template.changed", f"template/{template_id}"),
        ("reviews", "hana", "role_profile.changed", f"role-profile/{profile_id}"),
        ("reviews", "hana", "course.changed", f"course/{course}"),
        ("reviews", "hana", "course.retired", f"course/{course}"),
        ("reviews", "hana", "course.restored", f"course/{course}"),
        ("reviews", "hana", "programme.changed", f"programme/{programme_id}"),
        ("reviews", "hana", "programme.retired", f"programme/{programme_id}"),
        *read_before,
    ]
    for row in expected:
        service, actor, action, resource = row
        found = await audit_of(world, service, actor=actor, action=action, resource=resource)
        assert len(found) == before.get(row, 0) + 1, (service, action, resource, found)
        assert found[0]["client"] == "127.0.0.1"  # newest first
        assert found[0]["roles"] == [ROLE_OF[actor].value]
    reads = await audit_of(
        world, "incentives", actor="ann", action="bonus_statement.read", resource=f"statement/{statement}"
    )
    assert len(reads) == 1, "a statement read once is recorded once, however long the statement took to appear"

    exported = await world.call("incentives", "GET", "/v1/audit/export.csv", "ada", params={"actor": "mia"})
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0] == "at,actor,roles,action,resource,client,record_id"
    assert any(f"mia,manager,bonus_statement.approved,statement/{statement},127.0.0.1," in line for line in lines)


@pytest.mark.parametrize("service", MATRIX_SERVICES)
async def test_no_api_can_change_or_remove_an_audit_record(world: Organisation, service: str) -> None:
    document = (await world.http[service].get("/openapi.json")).json()
    audit_paths = {path: set(methods) for path, methods in document["paths"].items() if path.startswith("/v1/audit")}
    assert audit_paths == {"/v1/audit": {"get"}, "/v1/audit/export.csv": {"get"}}

    exported = await world.call(service, "GET", "/v1/people/ann/export", "hana")  # an audited read in every service
    assert exported.status_code == 200, exported.text
    [record, *_] = await audit_of(world, service)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/v1/audit", f"/v1/audit/{record['record_id']}"):
            response = await world.call(service, method, path, "ada", json={"actor": "nobody"})
            assert response.status_code in (404, 405), (method, path, response.status_code)
    [kept] = [r for r in await audit_of(world, service) if r["record_id"] == record["record_id"]]
    assert kept == record


async def test_a_manager_sharing_a_team_reaches_only_their_own_reports(world: Organisation) -> None:
    """Last, as it changes the roster: lou joins team north reporting to max, and the roster names mia north's lead
    (she no longer has every assistant of north). max sees lou on north's dashboard, not ann or bob, and cannot
    cancel north's team goal; mia still can."""
    mia = next(p for p in ROSTER if p.person_id == "mia").model_copy(update={"leads_team_ids": ["north"]})
    lou = next(p for p in ROSTER if p.person_id == "dan").model_copy(
        update={"person_id": "lou", "display_name": "Lou", "email": "lou@example.com", "team_id": "north"}
    )
    async with producer(world.stack.kafka_bootstrap) as client:
        for person in (mia, lou):
            await publish(client, f"{world.namespace}.org.people", person)

    async def north_as_max() -> list[str] | None:
        board = await world.call("goals", "GET", "/v1/teams/north/dashboard", "max", Role.MANAGER)
        members = [m["person_id"] for m in board.json()["members"]] if board.status_code == 200 else []
        return members or None

    assert await eventually(north_as_max, what="lou to reach goals") == ["lou"]
    team_goal = await world.ok("goals", "POST", "/v1/goals", json={**goal_body("north"), "owner_kind": "team"})
    anns = await world.goal("ann")
    cancel = {"reason": "not max's to cancel"}
    for method, path, body in [
        ("GET", f"/v1/goals/{anns}", None),
        ("POST", f"/v1/goals/{anns}/cancel", cancel),
        ("POST", f"/v1/goals/{team_goal['goal_id']}/cancel", cancel),
    ]:
        response = await world.call("goals", method, path, "max", Role.MANAGER, json=body)
        assert response.status_code == 403, (method, path, response.text)
    mias = await world.call("goals", "POST", f"/v1/goals/{team_goal['goal_id']}/cancel", "mia", json=cancel)
    assert mias.status_code == 200, mias.text
