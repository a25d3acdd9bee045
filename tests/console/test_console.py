"""The console in a real browser against the real platform: Kafka, SecantusDB and the six services.

This test builds the console, serves it with a `config.json` pointing at the services (which allow its origin),
sets the north team's goals through the goals API, brings Ann's and Bob's weekly check-ins forward to now (Bob's
past its reminder), and runs the Playwright suite in `frontend/e2e` against it
with Debian's Chromium. The suite publishes sales activities to `sales.activity` through this harness
(`POST /__test__/sales`), as a CRM would, and moves the feedback service's clock past its daily release of
anonymous results (`POST /__test__/anonymous-release`). Failures keep Playwright's screenshot and trace in the test's
temporary directory. Before the suite, Dan's last three quarters are reviewed Outstanding through the reviews API, so
incentives recommends his promotion to hr. `PACER_CONSOLE_SCREENSHOTS=1` also writes the README's pictures to
`docs/console/`.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import console
import pytest
import uvicorn
from pymongo import AsyncMongoClient
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pacer_shared.auth import Role
from pacer_testkit.platform import REVIEW_TEMPLATE, Platform, running_platform, sale
from pacer_testkit.stack import ROOT, Stack, eventually, free_port

CHROMIUM = Path(os.environ.get("PACER_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "docs" / "console"
PLAYWRIGHT_TIMEOUT = 1200.0  # every journey, on a shared two-core machine

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(1500)]


async def set_goal(platform: Platform, owner: str) -> dict[str, Any]:
    """Ten calls in a period four fifths gone: with nothing made, the goal is warned at once."""
    now = datetime.now(UTC)
    body = {
        "owner_id": owner,
        "title": "Calls this week",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 10,
        "unit": "calls",
        "start": (now - timedelta(hours=4)).isoformat(),
        "end": (now + timedelta(hours=1)).isoformat(),
    }
    response = await platform.call("goals", "POST", "/v1/goals", "mia", Role.MANAGER, body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def goals_to_decide(platform: Platform) -> None:
    """What waits for the manager and the assistants beyond the north team's calls: Bob's draft he set himself, Cid's
    goal missed at its deadline, still without its analysis, and Cid's bonus statement of the period that closed."""
    now = datetime.now(UTC)
    deadline = now.replace(microsecond=0) + timedelta(seconds=6)
    missed = await platform.set_goal("cid", "Visits before noon", 5, end=deadline, kinds=("visit",))
    # A bonus period that closes just after Cid's miss: his statement is calculated, for Mia to approve.
    await platform.bonus_plan("north", now - timedelta(minutes=1), deadline + timedelta(seconds=2))
    draft = {
        "owner_id": "bob",
        "title": "Demos this week",
        "metric": {"kinds": ["demo"], "aggregation": "count"},
        "target": 4,
        "unit": "demos",
        "start": now.isoformat(),
        "end": (now + timedelta(days=5)).isoformat(),
    }
    response = await platform.call("goals", "POST", "/v1/goals", "bob", Role.ASSISTANT, draft)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft", response.text
    await platform.goal_where(missed["goal_id"], lambda g: g["status"] == "missed", "Cid's goal to be missed")
    await platform.events("incentives.events", "BonusCalculated", person_id="cid")


async def statement_for_hr(platform: Platform) -> None:
    """Dan's bonus statement of a short south period in which he reached his goal, approved by Max: it waits for hr's
    second approval, and hr simulates the plan's next version on that period."""
    now = datetime.now(UTC)
    # Long enough for his calls to count before the deadline on a busy machine: a late call would miss the goal.
    deadline = now.replace(microsecond=0) + timedelta(seconds=30)
    goal = {
        "owner_id": "dan",
        "title": "Calls before the stand-up",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 2,
        "unit": "calls",
        "start": (now - timedelta(seconds=1)).isoformat(),
        "end": deadline.isoformat(),
    }
    response = await platform.call("goals", "POST", "/v1/goals", "max", Role.MANAGER, goal)
    assert response.status_code == 201, response.text
    await platform.record_sales(sale("dan"), sale("dan"))
    await platform.bonus_plan("south", now - timedelta(minutes=1), deadline + timedelta(seconds=2))
    [calculated] = await platform.events("incentives.events", "BonusCalculated", person_id="dan")
    assert Decimal(calculated["data"]["total"]) == Decimal(1000), calculated
    path = f"/v1/statements/{calculated['data']['statement_id']}/approve"
    approved = await platform.call("incentives", "POST", path, "max", Role.MANAGER)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "manager_approved", approved.text


async def review_to_write(platform: Platform) -> None:
    """Cid's review of the days around today, opened by hr: his missed goal is one of its inputs."""
    today = datetime.now(UTC).date()
    await platform.open_review("cid", today - timedelta(days=1), today + timedelta(days=1))


async def weekly_check_in(platform: Platform) -> None:
    """Ann's and Bob's weekly check-ins of this week, opened by hr, for Mia's 1:1 agendas with them (Cid's reviews
    journey keeps his one review).

    One cycle each, for the week as each one's own calendar names it: on a Sunday evening in Europe it is already
    Monday in Shanghai, and a week named by one date would have ended for Ann before her goal began."""
    template = await platform.call("reviews", "POST", "/v1/templates", "hana", Role.HR, REVIEW_TEMPLATE)
    assert template.status_code == 201, template.text
    for person_id, zone in (("ann", "Asia/Shanghai"), ("bob", "Europe/Berlin")):
        cycle = {
            "name": f"north-weekly-{person_id}-{uuid.uuid4().hex[:6]}",
            "cadence": "weekly",
            "template_name": REVIEW_TEMPLATE["name"],
            "period_start": datetime.now(ZoneInfo(zone)).date().isoformat(),
            "person_ids": [person_id],
        }
        opened = await platform.call("reviews", "POST", "/v1/cycles", "hana", Role.HR, cycle)
        assert opened.status_code == 201, opened.text


QUARTERLY_TEMPLATE: dict[str, Any] = {
    "name": "quarterly-evaluation",
    "title": "Quarterly evaluation",
    "criteria": [
        {"key": "records", "name": "Customer-record quality", "weight": 40},
        {"key": "teamwork", "name": "Teamwork", "weight": 30},
    ],
    "goal_weight": 20,
    "customer_rating_weight": 10,
}


async def promotion_to_consider(platform: Platform) -> None:
    """Dan's last three quarters reviewed Outstanding, through the reviews API as he and Max would: incentives'
    promotion rule (three consecutive quarterly ratings of 4 or more, training done) recommends him to hr."""
    template = await platform.call("reviews", "POST", "/v1/templates", "hana", Role.HR, QUARTERLY_TEMPLATE)
    assert template.status_code == 201, template.text
    today = datetime.now(ZoneInfo("America/New_York")).date()
    this_quarter = today.year * 4 + (today.month - 1) // 3
    for quarter in range(this_quarter - 3, this_quarter):
        cycle = {
            "name": f"dan-q{quarter % 4 + 1}-{uuid.uuid4().hex[:6]}",
            "cadence": "quarterly",
            "template_name": QUARTERLY_TEMPLATE["name"],
            "period_start": f"{quarter // 4}-{3 * (quarter % 4) + 1:02d}-01",
            "person_ids": ["dan"],
        }
        opened = await platform.call("reviews", "POST", "/v1/cycles", "hana", Role.HR, cycle)
        assert opened.status_code == 201, opened.text
        path = f"/v1/reviews?cycle_id={opened.json()['cycle_id']}"
        [review] = (await platform.call("reviews", "GET", path, "hana", Role.HR)).json()["items"]
        ratings = {"ratings": {"records": 5, "teamwork": 5}}
        for who, role, step in (("dan", Role.ASSISTANT, "self"), ("max", Role.MANAGER, "manager")):
            path = f"/v1/reviews/{review['review_id']}/{step}"
            done = await platform.call("reviews", "POST", path, who, role, ratings)
            assert done.status_code == 200, done.text
    await platform.events("incentives.events", "PromotionRecommended", person_id="dan")


async def private_award(platform: Platform) -> None:
    """Mia's private award to Cid: Cid and she see it, his team mates never do."""
    body = {"person_id": "cid", "name": "Quiet hero", "citation": "Covered the phones all week.", "private": True}
    response = await platform.call("incentives", "POST", "/v1/awards", "mia", Role.MANAGER, body)
    assert response.status_code == 201, response.text


async def earlier_awards(platform: Platform) -> None:
    """Ten public awards to Cid after his private one: the team's feed holds more than its first page, so the
    private award is read only once "More" asked the next."""
    for day in range(1, 11):
        body = {"person_id": "cid", "name": f"Trade fair helper {day}", "citation": f"Staffed the stand on day {day}."}
        response = await platform.call("incentives", "POST", "/v1/awards", "mia", Role.MANAGER, body)
        assert response.status_code == 201, response.text


async def earlier_feedback(platform: Platform) -> None:
    """Cid's notes to Mia from before the journeys, more than her inbox shows on its first page."""
    for n in range(10):
        body = {"recipient_id": "mia", "kind": "improvement", "text": f"Earlier note {n}"}
        response = await platform.call("feedback", "POST", "/v1/feedback", "cid", Role.ASSISTANT, body)
        assert response.status_code == 201, response.text


async def ask_adjustment(platform: Platform, goal: dict[str, Any], who: str, target: int, reason: str) -> None:
    path = f"/v1/goals/{goal['goal_id']}/adjustments"
    response = await platform.call("goals", "POST", path, who, Role.ASSISTANT, {"new_target": target, "reason": reason})
    assert response.status_code == 202, response.text


async def checkins_due(platform: Platform) -> None:
    """Ann's and Bob's weekly check-ins brought forward to now (they fall due on Friday afternoon), and Bob's past
    its reminder as well, as if a day had gone by without his answer: the goals service's own worker does the rest."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(platform.stack.mongo_url, tz_aware=True)
    try:
        goals = client[f"{platform.namespace}_goals"]
        now = datetime.now(UTC)
        await goals["checkin_schedule"].update_many({"_id": {"$in": ["ann", "bob"]}}, {"$set": {"next_due_at": now}})
        await platform.events("goals.events", "GoalCheckInDue", owner_id="ann")
        [bobs] = await platform.events("goals.events", "GoalCheckInDue", owner_id="bob")
        await goals["weekly_checkins"].update_one({"_id": bobs["data"]["checkin_id"]}, {"$set": {"remind_at": now}})
        await platform.events("goals.events", "GoalCheckInOverdue", owner_id="bob")
    finally:
        await client.close()


async def undeliverable_feedback(platform: Platform) -> None:
    """Max's praise for Dan, whose mail server refused it for good (a 550 for his mailbox, his one channel), so an
    admin finds a failed notification; the mailbox is back before the journeys start, so a retry gets through."""
    mailbox = platform.outlets.mailbox
    mailbox.refuse("dan@example.com")
    praise = {"recipient_id": "dan", "kind": "praise", "text": "Thorough quotes all week."}
    response = await platform.call("feedback", "POST", "/v1/feedback", "max", Role.MANAGER, praise)
    assert response.status_code == 201, response.text

    async def given_up() -> bool:
        query = "/v1/deliveries?person_id=dan&status=dead"
        found = await platform.call("notifications", "GET", query, "hana", Role.HR)
        return any(d["event_type"] == "FeedbackGiven" for d in found.json()["items"])

    await eventually(given_up, 60, "Dan's email about Max's praise to be given up")
    mailbox.accept("dan@example.com")


def sales_route(platform: Platform) -> Route:
    async def record(request: Request) -> Response:
        wanted = await request.json()
        at = datetime.fromisoformat(wanted["occurred_at"]) if wanted.get("occurred_at") else None
        kind, quantity = str(wanted.get("kind", "call")), int(wanted.get("quantity", 1))
        await platform.record_sales(
            *(sale(str(wanted["assistant_id"]), kind, quantity, at) for _ in range(int(wanted["count"])))
        )
        return JSONResponse({"published": wanted["count"]})

    return Route("/__test__/sales", record, methods=["POST"])


def release_route(platform: Platform) -> Route:
    """The feedback service's clock moved past its next daily release, as the night would."""

    async def release(_: Request) -> Response:
        return JSONResponse({"released_at": platform.release_anonymous_feedback().isoformat()})

    return Route("/__test__/anonymous-release", release, methods=["POST"])


async def playwright(console_url: str, chromium: Path, artifacts: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "CONSOLE_URL": console_url,
        "PACER_CHROMIUM": str(chromium),
        "PLAYWRIGHT_OUTPUT_DIR": str(artifacts),
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    }
    if os.environ.get("PACER_CONSOLE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        env["CONSOLE_SCREENSHOTS_DIR"] = str(SCREENSHOTS)
    # Written to a file as it runs, so a suite stopped by the timeout still shows which journeys it got through.
    log = artifacts.parent / "playwright.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(console.FRONTEND / "node_modules" / ".bin" / "playwright"),
            "test",
            *os.environ.get("PACER_CONSOLE_E2E", "").split(),  # e.g. one journey: e2e/reviews.spec.ts
            cwd=console.FRONTEND,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            async with asyncio.timeout(PLAYWRIGHT_TIMEOUT):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    return process.returncode if process.returncode is not None else -1, log.read_text(errors="replace")


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/bootstrap.sh installs it (apt-get install chromium)")
    return CHROMIUM


async def test_people_use_the_console_in_a_real_browser(stack: Stack, chromium: Path, tmp_path: Path) -> None:
    dist = await asyncio.to_thread(console.build)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    cors = {
        "PACER_CORS_ALLOWED_ORIGINS": json.dumps([origin]),
        # Analytics looks for assistants whose day has turned every few seconds, not minutes, so the early warning
        # a journey causes is raised while it waits; a usual week of a quarter of an activity counts, so a check that
        # runs after the first of a journey's activities arrived (each assistant is checked once a day) already warns.
        "PACER_ANALYTICS_WARNING_TICK_SECONDS": "2",
        "PACER_ANALYTICS_WARNING_MIN_WEEKLY_AVERAGE": "0.25",
    }
    namespace = f"ui{uuid.uuid4().hex[:8]}"
    # The connectors run too, with no CRM connection: a person's data page asks them what they hold.
    connectors: dict[str, dict[str, str]] = {"connectors": {}}
    async with running_platform(stack, namespace, tmp_path / "services", extra_env=cors, extra=connectors) as platform:
        anns, bobs = await set_goal(platform, "ann"), await set_goal(platform, "bob")
        await platform.record_sales(*(sale("bob") for _ in range(9)))
        await platform.goal_where(anns["goal_id"], lambda g: g["at_risk"], "Ann's goal to be warned at risk")
        await platform.goal_where(bobs["goal_id"], lambda g: g["actual"] == "9", "Bob's calls to count")
        await ask_adjustment(platform, anns, "ann", 6, "Two sick days")
        await goals_to_decide(platform)
        await statement_for_hr(platform)
        await review_to_write(platform)
        await weekly_check_in(platform)
        await private_award(platform)
        await earlier_awards(platform)
        await earlier_feedback(platform)
        await promotion_to_consider(platform)
        await checkins_due(platform)
        await undeliverable_feedback(platform)

        apis = {name: service.url for name, service in platform.services.items()}
        harness = [sales_route(platform), release_route(platform)]
        app = console.console_app(dist, console.runtime_config(apis, refetch_seconds=2), harness)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        serving = asyncio.create_task(server.serve())
        try:
            await eventually(lambda: _started(server), 30, "the console to be served")
            status, output = await playwright(origin, chromium, tmp_path / "playwright")
        finally:
            server.should_exit = True
            await serving
    assert status == 0, (
        f"the browser suite failed; screenshots and traces in {tmp_path / 'playwright'}\n{output[-8000:]}"
    )


async def _started(server: uvicorn.Server) -> bool:
    return server.started
