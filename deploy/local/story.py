"""The people side of the demo: what a manager, hr and the assistants do while the goals run.

Through the services' APIs, as the people would: hr opens a review cycle and adopts a bonus plan whose
period is the goals' period, the manager praises and awards, a colleague sends kudos, the manager asks Bob for a
check-in and he answers it, a newcomer joins and is enrolled in the onboarding programme, the manager schedules the
team's weekly meeting, and once the goals are decided the review is self-assessed and completed. The ledger then
calculates the bonus statements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from people import NEWCOMER

from pacer_shared.auth import Role, mint_local_token
from pacer_shared.events.people import PersonUpserted
from pacer_shared.settings import ServiceSettings

TEMPLATE = {
    "name": "weekly-check-in",
    "title": "Weekly check-in",
    "criteria": [
        {"key": "records", "name": "Customer-record quality", "weight": 30},
        {"key": "responsiveness", "name": "Responsiveness", "weight": 30},
    ],
    "goal_weight": 40,
}


ONBOARDING = {
    "title": "Onboarding: the first two weeks",
    "courses": [{"course_id": "product-basics", "due_days": 7}, {"course_id": "crm-hygiene", "due_days": 14}],
    "onboarding": True,
}


def bonus_plan(start: datetime, minutes: int) -> dict[str, Any]:
    """A plan whose period is exactly the demo goals' period, so its statements follow their outcomes."""
    return {
        "plan_id": "demo-sprint-bonus",
        "title": "Demo sprint bonus",
        "effective_from": start.isoformat(),
        "effective_to": (start + timedelta(minutes=minutes)).isoformat(),
        "period": f"PT{minutes}M",
        "currency": "CNY",
        "base": {"kind": "fixed", "amount": "1000"},
        "tiers": [
            {"min_attainment": "0", "payout": "0"},
            {"min_attainment": "0.3", "payout": "0.3"},
            {"min_attainment": "0.6", "payout": "0.6"},
            {"min_attainment": "1", "payout": "1"},
        ],
        "accelerator": "1.5",
        "cap": "1.5",
    }


@dataclass
class Story:
    urls: Mapping[str, str]
    goals_start: datetime
    goals_end: datetime
    minutes: int
    arrive: Callable[[PersonUpserted], Awaitable[None]]
    """Publishes a roster record to `org.people`, as the HRIS would."""
    happened: list[tuple[datetime, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._http = {name: httpx.AsyncClient(base_url=url, timeout=10) for name, url in self.urls.items()}
        settings = ServiceSettings()
        self._tokens = {
            (who, role): {"Authorization": f"Bearer {mint_local_token(settings, who, role)}"}
            for who, role in [
                ("hana", Role.HR),
                ("mia", Role.MANAGER),
                ("ann", Role.ASSISTANT),
                ("bob", Role.ASSISTANT),
            ]
        }

    async def close(self) -> None:
        for client in self._http.values():
            await client.aclose()

    async def _call(self, service: str, method: str, path: str, who: str, role: Role, body: Any = None) -> Any:
        response = await self._http[service].request(method, path, json=body, headers=self._tokens[(who, role)])
        response.raise_for_status()
        return response.json()

    def _note(self, what: str) -> None:
        self.happened.append((datetime.now(UTC), what))

    async def run(self) -> None:
        """Each step at its moment; a step that fails is shown and the story goes on."""
        steps = [
            (self.goals_start, self._set_up),
            (self.goals_start + timedelta(seconds=30), self._onboarding),
            (self.goals_start + timedelta(seconds=45), self._praise_and_kudos),
            (self.goals_start + timedelta(seconds=90), self._check_in),
            (self.goals_start + timedelta(seconds=100), self._award),
            (self.goals_start + timedelta(seconds=110), self._team_meeting),
            (self.goals_end + timedelta(seconds=15), self._review),
        ]
        for moment, step in steps:
            await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))
            try:
                await step()
            except httpx.HTTPError as error:
                detail = error.response.text[:160] if isinstance(error, httpx.HTTPStatusError) else str(error)
                self._note(f"{step.__name__.strip('_').replace('_', ' ')} failed: {detail}")

    async def _set_up(self) -> None:
        await self._call("reviews", "POST", "/v1/templates", "hana", Role.HR, TEMPLATE)
        today = self.goals_start.date()
        cycle = {
            "name": f"demo-{self.goals_start.strftime('%H%M%S')}",
            "cadence": "custom",
            "template_name": TEMPLATE["name"],
            # A day either side, so the goals fall in the period in every assistant's time zone.
            "period_start": (today - timedelta(days=1)).isoformat(),
            "period_end": (today + timedelta(days=1)).isoformat(),
            "person_ids": ["ann"],
        }
        await self._call("reviews", "POST", "/v1/cycles", "hana", Role.HR, cycle)
        self._note("hr opened a review cycle for Ann")
        await self._call("incentives", "POST", "/v1/plans", "hana", Role.HR, bonus_plan(self.goals_start, self.minutes))
        self._note(f"hr adopted a bonus plan for this {self.minutes}-minute period")

    async def _onboarding(self) -> None:
        """hr marks an onboarding programme (kept from an earlier run), then Nia joins team north in the roster:
        reviews enrols her by itself and assigns its first course; she is told in Chinese."""
        programmes = await self._call("reviews", "GET", "/v1/training/programmes", "hana", Role.HR)
        if not any(p["onboarding"] for p in programmes):
            await self._call("reviews", "POST", "/v1/training/programmes", "hana", Role.HR, ONBOARDING)
            self._note("hr set up the onboarding programme (two courses, one after the other)")
        await self.arrive(NEWCOMER)
        self._note("Nia joined team north: the onboarding programme is assigned to her by itself")

    async def _praise_and_kudos(self) -> None:
        praise = {
            "recipient_id": "ann",
            "kind": "praise",
            "text": "Great follow-up with the Li account!",
            "tags": ["customer_care"],
        }
        await self._call("feedback", "POST", "/v1/feedback", "mia", Role.MANAGER, praise)
        self._note("Mia praised Ann (feedback)")
        kudos = {"to": "ann", "message": "Thanks for covering my calls!"}
        await self._call("incentives", "POST", "/v1/kudos", "bob", Role.ASSISTANT, kudos)
        self._note("Bob sent Ann kudos")

    async def _award(self) -> None:
        award = {"person_id": "bob", "name": "Rising star", "citation": "Took over three new accounts this week"}
        await self._call("incentives", "POST", "/v1/awards", "mia", Role.MANAGER, award)
        self._note("Mia gave Bob the 'Rising star' award")

    async def _check_in(self) -> None:
        """The weekly check-in falls on Friday afternoon; Mia asks for one now, and Bob answers it in the console's
        place: she is told by email, and his 1:1 agenda leads with it."""
        checkin = await self._call("goals", "POST", "/v1/checkins", "mia", Role.MANAGER, {"owner_id": "bob"})
        answer = {
            "goals": [{"goal_id": goal["goal_id"], "progress_note": "Calls going well"} for goal in checkin["goals"]],
            "obstacles": "Two customers asked for prices we do not have yet",
            "help_needed": "The new price list",
            "confidence": 4,
        }
        await self._call("goals", "POST", f"/v1/checkins/{checkin['checkin_id']}/answer", "bob", Role.ASSISTANT, answer)
        self._note("Mia asked Bob for a check-in; he answered it (confidence 4, needs the new price list)")

    async def _team_meeting(self) -> None:
        """Mia's weekly team meeting, its next occurrence within the day: the invitation (an .ics) goes out, and
        the agenda (goals at risk, the award, feedback themes) at once, a day before it."""
        soon = datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(hours=2)
        meeting = {
            "team_id": "north",
            "cadence": "weekly",
            "weekday": soon.weekday(),
            "hour": soon.hour,
            "duration_minutes": 45,
            "timezone": "Europe/Berlin",
        }
        await self._call("reviews", "POST", "/v1/meetings", "mia", Role.MANAGER, meeting)
        self._note("Mia scheduled team north's weekly meeting: invitations and its agenda go out by email")

    async def _review(self) -> None:
        [review] = (await self._call("reviews", "GET", "/v1/reviews?person_id=ann", "hana", Role.HR))["items"]
        path = f"/v1/reviews/{review['review_id']}"
        own = {"ratings": {"records": 4, "responsiveness": 4}, "strengths": "Fast call-backs"}
        await self._call("reviews", "POST", f"{path}/self", "ann", Role.ASSISTANT, own)
        manager = {
            "ratings": {"records": 4, "responsiveness": 5},
            "strengths": "Reliable and quick with customers",
            "weaknesses": "Call notes could be more complete",
            "development": [
                {
                    "area": "product knowledge",
                    "suggestion": "Refresh the new product line",
                    "course_id": "product-basics",
                }
            ],
        }
        await self._call("reviews", "POST", f"{path}/manager", "mia", Role.MANAGER, manager)
        score = await self._call("reviews", "GET", f"{path}/score", "ann", Role.ASSISTANT)
        self._note(f"Ann's review completed: score {score.get('score')} ({score.get('label', '')})")

    async def outcomes(self) -> list[str]:
        """Bonus statements and recognitions as the services report them now."""
        lines = []
        statements = await self._call(
            "incentives", "GET", "/v1/statements?plan_id=demo-sprint-bonus&limit=200", "hana", Role.HR
        )
        for statement in statements["items"]:  # the demo's one period: a first page holds them all
            about = statement["explanation"]
            lines.append(f"bonus {about['person_id']}: {about['currency']} {about['total']} ({statement['status']})")
        recognitions = await self._call("incentives", "GET", "/v1/recognitions?limit=200", "hana", Role.HR)
        for recognition in recognitions["items"]:
            lines.append(f"recognition {recognition['person_id']}: {recognition['name']} ({recognition['kind']})")
        return lines
