"""Goal use cases behind the API: set, activate, adjust, cancel, analyse a miss, the SMART check."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pacer_goals.domain.errors import GoalRuleViolation
from pacer_goals.domain.goal import Goal
from pacer_goals.domain.growth import GrowthTarget, NoBaseline, ResolvedGrowth, baseline_period, explain, resolve
from pacer_goals.domain.pace import PaceProfile
from pacer_goals.domain.periods import Period, local_midnight, period_starting
from pacer_goals.domain.smart import SmartInput, SmartReport, check
from pacer_goals.service.access import ensure_can_manage, ensure_can_read, is_manager_of
from pacer_goals.service.checkins import first_checkin
from pacer_goals.service.context import Goals
from pacer_goals.service.progress import contributors, recount_and_announce
from pacer_goals.service.refusals import refused
from pacer_shared.auth import Principal, Role
from pacer_shared.events.goals import GoalMetric, OwnerKind, Recurrence
from pacer_shared.mongo import Session
from pacer_shared.problems import Forbidden, NotFound, Unprocessable

COMPARABLE_PERIODS = 3


LONGEST_PERIOD = timedelta(days=3653)
"""Ten years: longer is no time-bound goal, and the SMART check's look at the period before would leave the calendar."""


@dataclass(frozen=True)
class GoalDraft:
    owner_id: str
    owner_kind: OwnerKind
    title: str
    metric: GoalMetric
    target: Decimal | None
    """None when `growth` sets it."""
    unit: str
    start: date | datetime
    end: date | datetime | None
    recurrence: Recurrence
    pace_profile: PaceProfile
    parent_goal_id: str | None
    timezone: str | None
    activate: bool
    growth: GrowthTarget | None = None


@dataclass(frozen=True)
class Placed:
    """A draft resolved against the roster: the owner's zone, team and the period in UTC."""

    zone: ZoneInfo
    team_id: str | None
    period: Period
    owner_known: bool


async def place(goals: Goals, draft: GoalDraft) -> Placed:
    people = goals.runtime.people
    owner_known, team_id, zone_name = True, None, draft.timezone
    if draft.owner_kind is OwnerKind.ASSISTANT:
        person = await people.get(draft.owner_id)
        owner_known = person is not None and bool(person.get("active", True))
        team_id = person.get("team_id") if person else None
        zone_name = zone_name or (person or {}).get("timezone")
    else:
        team_id = draft.owner_id
        members = await people.team(draft.owner_id)
        owner_known = bool(members)
        # The team's day is the one most of its people live in: its period, weekends and deadline with theirs.
        zones = Counter(zone for p in members if (zone := p.get("timezone")))
        zone_name = zone_name or (zones.most_common(1)[0][0] if zones else None)
    zone = ZoneInfo(zone_name or "UTC")
    return Placed(zone=zone, team_id=team_id, period=_period(draft, zone), owner_known=owner_known)


def _period(draft: GoalDraft, zone: ZoneInfo) -> Period:
    start = _moment(draft.start, zone)
    if draft.end is None:
        if draft.recurrence is Recurrence.NONE:
            raise Unprocessable(
                "end: a one-off goal needs an end (or choose a recurrence)", field="body.end", code="goal_end_missing"
            )
        return period_starting(start.astimezone(zone).date(), draft.recurrence, zone)
    end = _moment(draft.end, zone, inclusive_day=True)
    if end <= start:
        raise Unprocessable(
            f"end: the goal ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            field="body.end",
            code="goal_end_before_start",
        )
    return Period(start, _within_longest(start, end))


def _within_longest(start: datetime, end: datetime) -> datetime:
    if end - start > LONGEST_PERIOD:
        raise Unprocessable(
            f"end: a goal's period is at most {LONGEST_PERIOD.days} days; this one ends {end.date()}",
            field="body.end",
            code="goal_period_too_long",
            ctx={"max_days": LONGEST_PERIOD.days},
        )
    return end


def _moment(value: date | datetime, zone: ZoneInfo, inclusive_day: bool = False) -> datetime:
    """Dates and naive times are in the owner's zone; an end date includes that whole day."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value
    return local_midnight(value + timedelta(days=1) if inclusive_day else value, zone)


async def smart_check(goals: Goals, draft: GoalDraft, session: Session | None = None) -> tuple[SmartReport, Placed]:
    placed = await place(goals, draft)
    history = await _recent_results(goals, draft, placed, session)
    linked = draft.parent_goal_id is not None and await goals.repository.get(draft.parent_goal_id, session) is not None
    growth, refused, target = None, None, draft.target or Decimal(0)
    if draft.growth is not None:
        try:
            growth = await resolve_growth(
                goals, draft.growth, draft.owner_kind, draft.owner_id, draft, placed.period, placed.zone, session
            )
            target = growth.target
        except GoalRuleViolation as error:
            refused = str(error)
    report = check(
        SmartInput(
            owner_known=placed.owner_known,
            kinds=draft.metric.kinds,
            aggregation=draft.metric.aggregation,
            currency=draft.metric.currency,
            target=target,
            growth=growth,
            growth_refused=refused,
            growth_explained=explain(growth, draft.unit, placed.zone) if growth else "",
            unit=draft.unit,
            start=placed.period.start,
            end=placed.period.end,
            now=goals.runtime.clock.now(),
            recent_results=history,
            linked=linked or draft.owner_kind is OwnerKind.TEAM,
            standalone_allowed=goals.settings.allow_standalone_goals,
        )
    )
    return report, placed


async def resolve_growth(
    goals: Goals,
    growth: GrowthTarget,
    owner_kind: OwnerKind,
    owner_id: str,
    shape: GoalDraft | Goal,
    period: Period,
    zone: ZoneInfo,
    session: Session | None,
) -> ResolvedGrowth:
    """A relative target against the owner's actual in its baseline period, from the activities stored now."""
    before = baseline_period(period, shape.recurrence, growth.baseline, zone)
    owners = await contributors(goals, owner_kind, owner_id, session)
    actual, activities = await goals.repository.totals(owners, shape.metric, before, session)
    return resolve(growth, before, actual, activities, shape.metric.aggregation, shape.unit, zone)


async def smart_check_as(goals: Goals, principal: Principal, draft: GoalDraft) -> SmartReport:
    """The SMART check for whoever may set the goal: its achievable letter quotes the owner's recent results."""
    await _ensure_can_set(goals, principal, draft)
    report, _placed = await smart_check(goals, draft)
    return report


async def _recent_results(goals: Goals, draft: GoalDraft, placed: Placed, session: Session | None) -> list[Decimal]:
    owners = await contributors(goals, draft.owner_kind, draft.owner_id, session)
    results, period = [], placed.period
    for _ in range(COMPARABLE_PERIODS):
        period = Period(period.start - period.length, period.start)
        total, _count = await goals.repository.totals(owners, draft.metric, period, session)
        results.append(total)
    return results


async def create_goal(goals: Goals, principal: Principal, draft: GoalDraft) -> tuple[Goal, SmartReport]:
    await _ensure_can_set(goals, principal, draft)
    report, placed = await smart_check(goals, draft)
    if not report.passed:
        raise Unprocessable(
            "the goal is not SMART: " + "; ".join(f"{k}: {v}" for k, v in report.failures().items()),
            smart=report_json(report),
        )
    now, goal_id = goals.runtime.clock.now(), str(uuid.uuid4())

    async def work(session: Session) -> Goal:
        # Built afresh on each attempt: a transaction retried after a write conflict must not see the goal the
        # failed attempt activated.
        goal = Goal(
            goal_id=goal_id,
            owner_id=draft.owner_id,
            owner_kind=draft.owner_kind,
            team_id=placed.team_id,
            title=draft.title,
            metric=draft.metric,
            target=report.growth.target if report.growth else draft.target or Decimal(0),
            unit=draft.unit,
            timezone=placed.zone.key,
            period=placed.period,
            recurrence=draft.recurrence,
            pace_profile=draft.pace_profile,
            at_risk_levels=list(goals.settings.at_risk_levels),
            at_risk_grace=goals.settings.at_risk_grace,
            created_by=principal.subject,
            created_at=now,
            parent_goal_id=draft.parent_goal_id,
            growth=report.growth,
        )
        if draft.activate and not _sets_own(principal, goal):
            await _go_live(goals, goal, principal, now, session)
        await goals.repository.save([goal], now, session)
        return goal

    return await goals.runtime.uow.run(work), report


async def _ensure_can_set(goals: Goals, principal: Principal, draft: GoalDraft) -> None:
    own = draft.owner_kind is OwnerKind.ASSISTANT and draft.owner_id == principal.subject
    if own or await is_manager_of(principal, draft.owner_kind, draft.owner_id, goals.runtime.people):
        return
    raise Forbidden("goals are set by their owner, the owner's manager, hr or an admin")


Action = Callable[[Goal, Session], Awaitable[None]]


async def change(goals: Goals, goal_id: str, principal: Principal, action: Action) -> Goal:
    """Load a goal, check access, apply `action` and save goal + events in one transaction."""

    async def work(session: Session) -> Goal:
        goal = await goals.repository.get(goal_id, session)
        if goal is None:
            raise NotFound(f"no goal {goal_id}")
        await ensure_can_read(principal, goal, goals.runtime.people)
        try:
            await action(goal, session)
        except GoalRuleViolation as error:
            raise refused(error) from error
        now = goals.runtime.clock.now()
        await goals.repository.save([goal], now, session)
        return goal  # what the committed attempt saved, not an aborted one's

    return await goals.runtime.uow.run(work)


async def activate(goals: Goals, goal_id: str, principal: Principal) -> Goal:
    async def act(goal: Goal, session: Session) -> None:
        if goal.created_by == goal.owner_id:
            await ensure_can_manage(principal, goal, goals.runtime.people)  # see _sets_own
        else:
            await ensure_can_manage_or_own(goals, principal, goal)
        await _go_live(goals, goal, principal, goals.runtime.clock.now(), session)

    return await change(goals, goal_id, principal, act)


def _sets_own(principal: Principal, goal: Goal) -> bool:
    """A goal its owner sets for themselves starts as a draft their manager activates: a target nobody else agreed
    to (0.0001 calls) would otherwise count toward the bonus at once. hr and admins answer to nobody here."""
    return goal.created_by == goal.owner_id and not principal.has(Role.HR, Role.ADMIN)


async def _go_live(goals: Goals, goal: Goal, principal: Principal, now: datetime, session: Session) -> None:
    """Activate a goal (set active, or a draft activated later): counted from the activities already stored, and
    an assistant's weekly check-in starting. A relative target is resolved again from the activities stored by now:
    a draft's baseline period may have had late activities since it was set."""
    if goal.growth is not None:
        growth = GrowthTarget(goal.growth.change_percent, goal.growth.baseline)
        try:
            resolved = await resolve_growth(
                goals, growth, goal.owner_kind, goal.owner_id, goal, goal.period, goal.zone, session
            )
        except NoBaseline as error:
            raise Unprocessable(str(error)) from error
        goal.grow_from(resolved)
    goal.activate(now, principal.subject)
    await recount_and_announce(goals, goal, session)
    if goal.owner_kind is OwnerKind.ASSISTANT:
        await goals.repository.schedule_checkin(goal.owner_id, first_checkin(goals, goal, now), session)


async def ensure_can_manage_or_own(goals: Goals, principal: Principal, goal: Goal) -> None:
    if goal.owner_kind is OwnerKind.ASSISTANT and goal.owner_id == principal.subject:
        return
    await ensure_can_manage(principal, goal, goals.runtime.people)


async def request_adjustment(
    goals: Goals,
    goal_id: str,
    principal: Principal,
    reason: str,
    new_target: Decimal | None,
    new_period_end: date | datetime | None,
) -> Goal:
    async def act(goal: Goal, session: Session) -> None:
        await ensure_can_manage_or_own(goals, principal, goal)
        approver = await is_manager_of(principal, goal.owner_kind, goal.owner_id, goals.runtime.people)
        end = None
        if new_period_end is not None:
            end = _within_longest(goal.period.start, _moment(new_period_end, goal.zone, inclusive_day=True))
        adjustment = goal.request_adjustment(
            by=principal.subject,
            reason=reason,
            new_target=new_target,
            new_period_end=end,
            approved=approver or not goals.settings.adjustment_requires_approval,
            now=goals.runtime.clock.now(),
        )
        if adjustment.status == "applied":
            await recount_and_announce(goals, goal, session)

    return await change(goals, goal_id, principal, act)


async def decide_adjustment(
    goals: Goals, goal_id: str, adjustment_id: str, principal: Principal, approve: bool
) -> Goal:
    async def act(goal: Goal, session: Session) -> None:
        await ensure_can_manage(principal, goal, goals.runtime.people)
        adjustment = goal.decide_adjustment(
            adjustment_id, approve=approve, by=principal.subject, now=goals.runtime.clock.now()
        )
        if adjustment.status == "applied":
            await recount_and_announce(goals, goal, session)

    return await change(goals, goal_id, principal, act)


async def cancel(goals: Goals, goal_id: str, principal: Principal, reason: str) -> Goal:
    async def act(goal: Goal, session: Session) -> None:
        await ensure_can_manage(principal, goal, goals.runtime.people)
        goal.cancel(principal.subject, reason, goals.runtime.clock.now())

    return await change(goals, goal_id, principal, act)


async def analyze_miss(goals: Goals, goal_id: str, principal: Principal, cause: str, action_plan: str) -> Goal:
    async def act(goal: Goal, session: Session) -> None:
        await ensure_can_manage_or_own(goals, principal, goal)
        goal.analyze_miss(principal.subject, cause, action_plan, goals.runtime.clock.now())

    return await change(goals, goal_id, principal, act)


def report_json(report: SmartReport) -> dict[str, dict[str, object]]:
    return {
        name: {"passed": verdict.passed, "warning": verdict.warning, "reason": verdict.reason}
        for name, verdict in report.letters().items()
    }
