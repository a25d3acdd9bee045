"""Recognition: badges granted by rules, manager awards, peer kudos within a monthly budget."""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from pymongo.errors import DuplicateKeyError

from pacer_incentives.domain.facts import fold
from pacer_incentives.domain.periods import Cadence, Period, following, period_at
from pacer_incentives.domain.recognition import BadgeKind, lived_values_winner, streak
from pacer_incentives.domain.values import CompanyValue
from pacer_incentives.service import inputs
from pacer_incentives.service.context import Incentives
from pacer_incentives.service.leaderboards import ZONES_APART, attainment_of, local_months
from pacer_shared.auth import Principal, Role
from pacer_shared.events import Event
from pacer_shared.events.goals import GoalAchieved, GoalMissed, OwnerKind
from pacer_shared.events.incentives import RecognitionGranted
from pacer_shared.events.reviews import TrainingCompleted
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import cursor_after
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable
from pacer_shared.waiting import poll

OUTCOME_TYPES = frozenset({"GoalSet", "GoalAchieved", "GoalMissed", "GoalCancelled", "GoalAdjusted"})


@dataclass(frozen=True)
class Grant:
    recognition_id: str
    person_id: str
    kind: str
    name: str
    points: int
    citation: str = ""
    granted_by: str | None = None
    private: bool = False
    value: CompanyValue | None = None


async def grant(incentives: Incentives, grant: Grant, session: Session, at: datetime | None = None) -> bool:
    """Record and announce a recognition once; False if it was granted before."""
    if await incentives.recognitions.exists(grant.recognition_id, session):
        return False
    person = await incentives.runtime.people.get(grant.person_id, session)
    team_id = person.get("team_id") if person else None
    await incentives.recognitions.add(
        {
            "_id": grant.recognition_id,
            "person_id": grant.person_id,
            "team_id": team_id,
            "kind": grant.kind,
            "name": grant.name,
            "citation": grant.citation,
            "points": grant.points,
            "granted_by": grant.granted_by,
            "private": grant.private,
            "value_id": grant.value.value_id if grant.value else None,
            "granted_at": at or incentives.runtime.clock.now(),
        },
        session,
    )
    granted = {
        "person_id": grant.person_id,
        "recognition_id": grant.recognition_id,
        "kind": grant.kind,
        "name": grant.name,
        "citation": grant.citation,
        "granted_by": grant.granted_by,
        "team_id": team_id,
        "private": grant.private,
        "points": grant.points,
        "value_id": grant.value.value_id if grant.value else None,
        "value_names": grant.value.names() if grant.value else {},
    }
    incentives.runtime.uow.publish(session, RecognitionGranted.model_validate(granted))
    return True


async def on_events(incentives: Incentives, events: Sequence[Event[inputs.Input]], session: Session) -> None:
    """Badges that events earn at once: goal streaks and completed training."""
    streaks = sorted(
        {
            e.data.owner_id
            for e in events
            if isinstance(e.data, GoalAchieved | GoalMissed) and e.data.owner_kind is OwnerKind.ASSISTANT
        }
    )
    badge = incentives.rules.badge(BadgeKind.GOAL_STREAK)
    for person_id in streaks if badge else []:
        assert badge is not None
        facts = fold(await inputs.history_of(incentives, person_id, OUTCOME_TYPES, session))
        count, since = streak(g for g in facts.goals.values() if g.owner_id == person_id)
        # At least, not exactly: a run can grow by several periods at once (an older period decided late, a replay);
        # the key carries the run's start, so a run is granted once however long it grows.
        if count >= badge.periods and since is not None:
            citation = f"every goal achieved {count} periods in a row"
            key = f"{badge.key}:{person_id}:{since.isoformat()}"
            await grant(incentives, Grant(key, person_id, "badge", badge.name, badge.points, citation), session)
    learner = incentives.rules.badge(BadgeKind.TRAINING_COMPLETED)
    for event in events:
        if learner and isinstance(event.data, TrainingCompleted):
            done = event.data
            citation = f"completed the {done.category.value.replace('_', ' ')} course {done.course_id}"
            key = f"{learner.key}:{done.assignment_id}"
            await grant(
                incentives, Grant(key, done.person_id, "badge", learner.name, learner.points, citation), session
            )


async def award(
    incentives: Incentives,
    principal: Principal,
    person_id: str,
    name: str,
    citation: str,
    points: int | None,
    private: bool,
    award_id: str | None = None,
    value_id: str | None = None,
) -> Document:
    """A manager's award to one of their people (or hr's to anyone), with the reason in a citation; with the
    caller's own `award_id`, sending it again returns the award granted the first time."""
    value = company_value(incentives, value_id)
    person = await incentives.runtime.people.get(person_id)
    if person is None or not person.get("active", True):
        raise NotFound(f"person {person_id!r} is not in the roster")
    if not (principal.has(Role.HR) or (principal.has(Role.MANAGER) and person.get("manager_id") == principal.subject)):
        raise Forbidden("awards are given by the person's manager or hr")
    now = incentives.runtime.clock.now()
    recognition_id = f"award:{person_id}:{award_id or now.strftime('%Y%m%dT%H%M%S%f')}"
    points = incentives.rules.awards.default_points if points is None else points
    given = Grant(recognition_id, person_id, "award", name, points, citation, principal.subject, private, value)
    with contextlib.suppress(DuplicateKeyError):  # the same award sent twice at once: the other one granted it
        await incentives.runtime.uow.run(functools.partial(grant, incentives, given, at=now))
    return await _recognition(incentives, recognition_id)


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def company_value(incentives: Incentives, value_id: str | None) -> CompanyValue | None:
    """The configured value a kudos or award names; an id not configured is refused with the ones that are."""
    if value_id is None:
        return None
    values = incentives.settings.values
    found = next((v for v in values if v.value_id == value_id), None)
    if found is None:
        known = ", ".join(v.value_id for v in values) or "none configured"
        raise Unprocessable(
            f"value_id: {value_id!r} is not one of the company values ({known})",
            field="body.value_id",
            code="value_unknown",
            ctx={"known": known},
        )
    return found


async def kudos(
    incentives: Incentives, principal: Principal, to: str, message: str, value_id: str | None = None
) -> Document:
    """Peer kudos, within each giver's monthly budget; never to oneself."""
    if to == principal.subject:
        raise Unprocessable("to: kudos go to someone else", field="body.to", code="kudos_to_self")
    value = company_value(incentives, value_id)
    person = await incentives.runtime.people.get(to)
    if person is None or not person.get("active", True):
        raise NotFound(f"person {to!r} is not in the roster")
    rules = incentives.rules.kudos
    now = incentives.runtime.clock.now()
    month = month_of(now)
    recognition_id = f"kudos:{principal.subject}:{to}:{now.strftime('%Y%m%dT%H%M%S%f')}"

    async def work(session: Session) -> None:
        key = f"{principal.subject}:{month}"
        used = await incentives.kudos_budgets.used(key, session)
        if used >= rules.monthly_budget:
            raise Conflict(
                f"the kudos budget of {rules.monthly_budget} for {month} is used up; it renews next month",
                code="kudos_budget_used",
                ctx={"budget": rules.monthly_budget, "month": month},
                remaining=0,
            )
        await incentives.kudos_budgets.spend(key, session)
        given = Grant(recognition_id, to, "kudos", "Kudos", rules.points, message, principal.subject, value=value)
        await grant(incentives, given, session, at=now)

    await incentives.runtime.uow.run(work)
    return await _recognition(incentives, recognition_id)


async def kudos_left(incentives: Incentives, person_id: str) -> dict[str, object]:
    month = month_of(incentives.runtime.clock.now())
    used = await incentives.kudos_budgets.used(f"{person_id}:{month}")
    total = incentives.rules.kudos.monthly_budget
    return {"month": month, "budget": total, "remaining": total - used}


async def _recognition(incentives: Incentives, recognition_id: str) -> Document:
    found = await incentives.recognitions.get(recognition_id)
    assert found is not None
    return found


async def listed(
    incentives: Incentives,
    principal: Principal,
    person_id: str | None,
    team_id: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Document], str | None]:
    """A page of recognitions, newest first, and the next page's cursor; private ones only for whom they concern:
    the person and their manager (whose reports the query names), and hr. Left out by the query itself, so a page
    is full and the cursor never skips what a later page would have shown."""
    concerned = None
    if not principal.has(Role.HR):
        reports = await incentives.runtime.people.reports_of(principal.subject)
        concerned = [principal.subject, *(p["_id"] for p in reports)]
    found = await incentives.recognitions.listed(
        limit + 1, person_id=person_id, team_id=team_id, private_ones_of=concerned, cursor=cursor
    )
    return found[:limit], cursor_after(found, limit, "granted_at")


class MonthlyBadges:
    """At each calendar month's end: top of team by attainment, most praised in the team."""

    CURSOR = "monthly-badges"

    def __init__(self, incentives: Incentives) -> None:
        self._incentives = incentives

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._incentives.settings.ledger_poll_seconds, "monthly badges")

    async def run_once(self) -> None:
        cursors = self._incentives.cursors
        now = self._incentives.runtime.clock.now()
        current = period_at(Cadence.MONTHLY, now, now)
        cursor = await cursors.get(self.CURSOR)
        if cursor is None:
            # Recognition starts with the month the service first runs in; history is not re-awarded.
            await cursors.start(self.CURSOR, current.start)
            return
        month = period_at(Cadence.MONTHLY, cursor["next"], cursor["next"])
        settle = timedelta(seconds=self._incentives.settings.close_settle_seconds)
        if now < month.end + ZONES_APART + settle:  # the month has ended in every member's time zone
            return
        await self._incentives.runtime.uow.run(functools.partial(self._award_month, month, cursor["next"]))

    async def _award_month(self, month: Period, cursor: datetime, session: Session) -> None:
        if not await self._incentives.cursors.advance(
            self.CURSOR, cursor, following(Cadence.MONTHLY, month).start, session
        ):
            return
        roster = self._incentives.roster  # who has left wins nothing (the leaderboards agree)
        for team in await roster.teams_with_active_assistants(session):
            people = await roster.active_assistants_in(team, session)
            await self._top_of_team(team, people, month, session)
            await self._most_praised(team, people, month, session)
            await self._lived_values(team, people, month, session)

    async def _top_of_team(self, team: str, people: list[Document], month: Period, session: Session) -> None:
        badge = self._incentives.rules.badge(BadgeKind.TOP_OF_TEAM)
        if badge is None:
            return
        standings = await attainment_of(self._incentives, people, month, session)
        if standings:
            top = standings[0]
            citation = f"best goal attainment in team {team} in {month_of(month.start)}: {top.score:.2%}"
            key = f"{badge.key}:{team}:{month_of(month.start)}"
            await grant(
                self._incentives, Grant(key, top.person_id, "badge", badge.name, badge.points, citation), session
            )

    async def _most_praised(self, team: str, people: list[Document], month: Period, session: Session) -> None:
        badge = self._incentives.rules.badge(BadgeKind.MOST_PRAISE)
        if badge is None:
            return
        months = local_months(people, month)  # praise counted in each person's own month, as their goals are
        praise: Counter[str] = Counter()
        around = (month.start - ZONES_APART, month.end + ZONES_APART)
        for doc in await self._incentives.inputs.praise_for(months, *around, session):
            if months[doc["subject"]].contains(doc["time"]):
                praise[doc["subject"]] += 1
        if praise:
            person, count = min(praise.items(), key=lambda item: (-item[1], item[0]))
            citation = f"most praise received in team {team} in {month_of(month.start)}: {count}"
            key = f"{badge.key}:{team}:{month_of(month.start)}"
            await grant(self._incentives, Grant(key, person, "badge", badge.name, badge.points, citation), session)

    async def _lived_values(self, team: str, people: list[Document], month: Period, session: Session) -> None:
        badge = self._incentives.rules.badge(BadgeKind.LIVED_VALUES)
        if badge is None:
            return
        months = local_months(people, month)  # kudos counted in each person's own month, as praise is
        around = (month.start - ZONES_APART, month.end + ZONES_APART)
        found = await self._incentives.recognitions.valued_kudos(sorted(months), *around, session)
        winner = lived_values_winner(
            (k["person_id"], k["value_id"]) for k in found if months[k["person_id"]].contains(k["granted_at"])
        )
        if winner is not None:
            person, count, values = winner
            citation = (
                f"most kudos for living our values in team {team} in {month_of(month.start)}: "
                f"{count} kudos naming {values} value(s)"
            )
            key = f"{badge.key}:{team}:{month_of(month.start)}"
            await grant(self._incentives, Grant(key, person, "badge", badge.name, badge.points, citation), session)
