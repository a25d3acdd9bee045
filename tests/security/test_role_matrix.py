"""Who may read and change what: every endpoint of every service × every role × own / team / other data.

The five services run as processes against the real stack with one organisation in their roster
(support.py): mia manages ann and bob in team north, max manages dan in team south, hana is hr,
ada an admin, crm-sync a machine. Each role calls as one of them, about its own data, a team mate's
(a report's, for a manager) and an outsider's (dan's, or team south's); probes.py says how each
endpoint is exercised, organisation.py what the probes find made. Without a token only the health
endpoints and local mode's sign-in answer. An endpoint a service publishes in its /openapi.json that the
table does not list fails the suite: it has to be classified here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from security.organisation import Organisation
from security.probes import PROBES, Call, Outcome
from security.support import ACTORS, Relation, organisation

from pacer_shared.auth import Role
from pacer_testkit.platform import SERVICES
from pacer_testkit.stack import Stack

# The first test also waits for the five services to start and the organisation's data to be made.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]

# Columns are the caller's role. A cell of three letters is own / team / other, in that order; one letter
# holds for all three (a machine has no data of its own, so only team and other are tried for it).
#   Y  allowed: 2xx, or, for a list, the item is in it
#   N  forbidden: 403, or, for a list, the item is left out
#   -  refused for another reason, whoever asks: feedback or kudos to oneself; hr's own goal adjustments
#      never wait for approval, so there is nothing to decide; only assistants earn bonus statements
# Local sign-in answers anyone, with a token or without, in local mode (as here) and no one in production
# (services/goals/tests/test_local_sign_in.py).
# "*" rows are on every service.
MATRIX = """
service        endpoint                                                           assistant manager  hr   admin  service
*              GET  /healthz                                                      Y         Y        Y    Y      Y
*              GET  /readyz                                                       Y         Y        Y    Y      Y
*              GET  /v1/people/{person_id}                                        YNN       YYN      Y    Y      N

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
goals          GET  /v1/teams/{team_id}/dashboard                                 N         YYN      Y    Y      N
goals          POST /v1/sales-activities                                          N         N        N    Y      Y
goals          GET  /v1/local-sign-in/people                                      Y         Y        Y    Y      Y
goals          POST /v1/local-sign-in                                             Y         Y        Y    Y      Y

reviews        POST /v1/templates                                                 N         N        Y    Y      N
reviews        GET  /v1/templates/{template_id}                                   Y         Y        Y    Y      N
reviews        POST /v1/cycles                                                    N         NYN      Y    Y      N
reviews        GET  /v1/cycles/{cycle_id}/dashboard                               N         N        Y    Y      N
reviews        GET  /v1/reviews                                                   YNN       YYN      Y    Y      N
reviews        GET  /v1/reviews/{review_id}                                       YNN       YYN      Y    Y      N
reviews        POST /v1/reviews/{review_id}/self                                  YNN       YNN      YNN  YNN    N
reviews        POST /v1/reviews/{review_id}/manager                               N         NYN      NYY  N      N
reviews        POST /v1/reviews/{review_id}/acknowledge                           YNN       YNN      YNN  YNN    N
reviews        GET  /v1/reviews/{review_id}/score                                 YNN       YYN      Y    Y      N
reviews        GET  /v1/reviews/{review_id}/agenda                                YNN       YYN      Y    Y      N
reviews        GET  /v1/training/catalogue                                        Y         Y        Y    Y      N
reviews        POST /v1/training/assignments                                      N         NYN      Y    Y      N
reviews        POST /v1/training/assignments/{assignment_id}/complete             YNN       YNN      YNN  YNN    N

feedback       POST /v1/feedback                                                  -YY       -YY      -YY  -YY    N
feedback       POST /v1/feedback/{feedback_id}/replies                            YNN       YYN      YNN  YNN    N
feedback       GET  /v1/feedback/inbox                                            Y         Y        Y    Y      N
feedback       GET  /v1/feedback/sent                                             Y         Y        Y    Y      N
feedback       GET  /v1/people/{person_id}/feedback                               YNN       YYN      Y    Y      N
feedback       GET  /v1/people/{person_id}/themes                                 YNN       YYN      Y    Y      N
feedback       POST /v1/feedback-requests                                         N         NYN      Y    Y      N
feedback       POST /v1/feedback-requests/{request_id}/responses                  YNN       YNN      YNN  YNN    N
feedback       GET  /v1/feedback-requests/{request_id}                            N         NYN      Y    Y      N
feedback       POST /v1/anonymous                                                 Y         Y        Y    Y      N
feedback       POST /v1/anonymous/thread                                          Y         Y        Y    Y      N
feedback       POST /v1/anonymous/thread/replies                                  Y         Y        Y    Y      N
feedback       GET  /v1/anonymous/aggregates                                      N         YYN      Y    Y      N
feedback       POST /v1/anonymous/submissions/{submission_id}/replies             N         YYN      Y    N      N

notifications  GET  /v1/preferences/{person_id}                                   YNN       YNN      Y    Y      N
notifications  PUT  /v1/preferences/{person_id}                                   YNN       YNN      Y    Y      N
notifications  GET  /v1/deliveries                                                YNN       YYN      Y    Y      N
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
incentives     GET  /v1/kudos/budget                                              Y         Y        Y    Y      N
incentives     GET  /v1/recognitions                                              Y         Y        Y    Y      N
incentives     GET  /v1/teams/{team_id}/leaderboard                               YYN       YYN      Y    N      N
incentives     GET  /v1/promotions                                                N         N        Y    N      N
"""
PUBLIC = {"GET /healthz", "GET /readyz", "GET /v1/local-sign-in/people", "POST /v1/local-sign-in"}


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
CASES = [(service, row) for row in ROWS for service in (sorted(SERVICES) if row.service == "*" else [row.service])]


def _probes_per_person() -> dict[str, int]:
    """How many cells of one row concern each person (a row that uses up resources needs that many)."""
    counts: dict[str, int] = {}
    for actor in ACTORS.values():
        for relation in actor.relations:
            counts[actor.person(relation)] = counts.get(actor.person(relation), 0) + 1
    return counts


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Organisation]:
    async with organisation(stack, tmp_path_factory.mktemp("matrix")) as platform, AsyncExitStack() as clients:
        # A fresh connection per request: reusing one that the server is closing as idle fails the request.
        fresh = httpx.Limits(max_keepalive_connections=0)
        http = {
            name: await clients.enter_async_context(httpx.AsyncClient(base_url=service.url, timeout=30, limits=fresh))
            for name, service in platform.services.items()
        }
        world = Organisation(http, stack, platform.namespace)
        await world.prepare(_probes_per_person())
        yield world


async def _operations(world: Organisation, service: str) -> set[str]:
    document = (await world.http[service].get("/openapi.json")).json()
    return {f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods}


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_every_endpoint_a_service_publishes_is_classified(world: Organisation, service: str) -> None:
    published = await _operations(world, service)
    listed = {row.endpoint for row in ROWS if row.service in ("*", service)}
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


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_without_a_token_only_health_and_local_sign_in_answer(world: Organisation, service: str) -> None:
    refused = {}
    for endpoint in sorted(await _operations(world, service)):
        method, path = endpoint.split(" ")
        response = await world.http[service].request(method, path.replace("{", "").replace("}", ""))
        refused[endpoint] = response.status_code == 401
    assert refused == {endpoint: endpoint not in PUBLIC for endpoint in refused}
