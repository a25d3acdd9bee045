"""The Goal: progress, pace, achievement and the deadline. Every state change records its events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pacer_goals.domain.errors import GoalRuleViolation
from pacer_goals.domain.growth import ResolvedGrowth
from pacer_goals.domain.pace import Pace, PaceProfile
from pacer_goals.domain.periods import Period, next_period
from pacer_shared.events import EventData
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalMetric,
    GoalMissAnalyzed,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    OwnerKind,
    Recurrence,
)


class GoalStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    MISSED = "missed"
    CANCELLED = "cancelled"


@dataclass
class HistoryEntry:
    at: datetime
    kind: str
    by: str | None
    details: dict[str, Any]


@dataclass
class Adjustment:
    adjustment_id: str
    requested_by: str
    requested_at: datetime
    reason: str
    new_target: Decimal | None
    new_period_end: datetime | None
    status: str = "pending"  # pending | applied | rejected
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass
class MissAnalysis:
    cause: str
    action_plan: str
    analyzed_by: str
    analyzed_at: datetime


@dataclass
class Goal:
    goal_id: str
    owner_id: str
    owner_kind: OwnerKind
    team_id: str | None
    title: str
    metric: GoalMetric
    target: Decimal
    unit: str
    timezone: str
    period: Period
    recurrence: Recurrence
    pace_profile: PaceProfile
    at_risk_levels: list[Decimal]
    """Fractions of pace that raise GoalAtRisk, most lenient first (e.g. 0.8 then 0.6)."""
    at_risk_grace: Decimal
    """No at-risk warning before this fraction of the period has passed."""
    created_by: str
    created_at: datetime
    parent_goal_id: str | None = None
    status: GoalStatus = GoalStatus.DRAFT
    actual: Decimal = Decimal(0)
    activity_count: int = 0
    at_risk_raised: list[Decimal] = field(default_factory=list)
    achievement_announced: bool = False
    achieved_at: datetime | None = None
    closed_at: datetime | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    miss_analysis: MissAnalysis | None = None
    previous_goal_id: str | None = None
    growth: ResolvedGrowth | None = None
    """For a relative target: the baseline it was resolved from when the goal was set or activated."""
    version: int = 0
    events: list[EventData] = field(default_factory=list, repr=False)
    new_history: list[HistoryEntry] = field(default_factory=list, repr=False)
    progressed: bool = field(default=False, repr=False)
    stored: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """The document this goal was read from, so that saving it writes only what changed."""

    # ------------------------------------------------------------ reading

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def pace(self) -> Pace:
        return Pace(self.period, self.target, self.pace_profile, self.zone)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_open(self) -> bool:
        """Counting progress and watched for pace and deadline."""
        return self.status in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED) and not self.is_closed

    @property
    def shortfall(self) -> Decimal:
        return max(self.target - self.actual, Decimal(0))

    @property
    def attainment(self) -> Decimal:
        return (self.actual / self.target).quantize(Decimal("0.0001"))

    def expected_by(self, now: datetime) -> Decimal:
        return self.pace.expected_by(now)

    def at_risk_now(self, now: datetime) -> bool:
        """Warned of (GoalAtRisk raised) and still behind the pace it was warned at; catching up clears it."""
        if not (self.is_open and self.status is GoalStatus.ACTIVE and self.at_risk_raised):
            return False
        ratio = self.pace.ratio(self.actual, now)
        return ratio is not None and ratio < max(self.at_risk_raised)

    def next_due_at(self, now: datetime) -> datetime | None:
        """When the deadline worker must look at this goal next: the next at-risk crossing or the period end."""
        if not self.is_open:
            return None
        due = self.period.end
        level = self._next_level()
        if self.status is GoalStatus.ACTIVE and level is not None:
            grace_end = self.period.start + self.period.length * float(self.at_risk_grace)
            crossing = self.pace.falls_below(self.actual, level, max(now, grace_end))
            if crossing is not None:
                due = min(due, crossing)
        return due

    # ------------------------------------------------------------ changing

    def grow_from(self, growth: ResolvedGrowth) -> None:
        """A relative target resolved (again) against its baseline: a draft waits for its activation to be
        resolved from the activities stored by then."""
        if self.status is not GoalStatus.DRAFT:
            raise GoalRuleViolation("a relative target is resolved when the goal is activated, not after")
        self.growth, self.target = growth, growth.target

    def activate(self, now: datetime, by: str) -> None:
        if self.status is not GoalStatus.DRAFT:
            raise GoalRuleViolation(
                f"only a draft goal can be activated; this one is {self.status}",
                code="goal_not_draft",
                ctx={"status": self.status.value},
            )
        if self.period.end <= now:
            raise GoalRuleViolation("the goal's period has already ended", code="goal_period_over")
        self.status = GoalStatus.ACTIVE
        self._record(now, "activated", by, {})
        self.events.append(
            GoalSet(
                **self._about(),
                metric=self.metric,
                target=self.target,
                unit=self.unit,
                recurrence=self.recurrence,
                parent_goal_id=self.parent_goal_id,
                set_by=by,
            )
        )
        self._check_achieved(now)

    def contribute(self, delta: Decimal, activities: int, now: datetime, activity_id: str) -> None:
        """An activity in the period was recorded (positive delta) or retracted (negative)."""
        if self.status in (GoalStatus.DRAFT, GoalStatus.CANCELLED):
            return
        self.actual += delta
        self.activity_count += activities
        self.progressed = True
        if self.is_closed:
            # Late correction: the outcome called at the deadline stands; the history shows the change.
            self._record(now, "late_correction", None, {"activity_id": activity_id, "delta": str(delta)})
            return
        self._check_achieved(now)

    def announce_progress(self, now: datetime) -> None:
        """One GoalProgressed for however many activities moved the goal since the last one (coalescing)."""
        if not self.progressed:
            return
        self.progressed = False
        self.events.append(
            GoalProgressed(
                **self._about(),
                target=self.target,
                actual=self.actual,
                expected_by_now=self.expected_by(now),
                activity_count=self.activity_count,
                late_correction=self.is_closed,
            )
        )

    def review_pace(self, now: datetime) -> None:
        """Raise GoalAtRisk for the pace levels crossed since the last review, once per level per period."""
        if not self.is_open or self.status is not GoalStatus.ACTIVE or now >= self.period.end:
            return  # at the deadline the outcome is called instead
        if self.period.elapsed_fraction(now) < float(self.at_risk_grace):
            return
        ratio = self.pace.ratio(self.actual, now)
        if ratio is None:
            return
        # Compared exactly, as next_due_at times the crossing: the rounded ratio (shown in the event) could read
        # 0.8000 at a crossing of 0.8, raising nothing while the worker was due again at once.
        crossed = [
            level
            for level in self.at_risk_levels
            if level not in self.at_risk_raised and self.pace.below(self.actual, level, now)
        ]
        if not crossed:
            return
        self.at_risk_raised.extend(crossed)
        worst = min(crossed)
        self._record(now, "at_risk", None, {"level": str(worst), "pace_ratio": str(ratio)})
        self.events.append(
            GoalAtRisk(
                **self._about(),
                target=self.target,
                actual=self.actual,
                expected_by_now=self.expected_by(now),
                pace_ratio=ratio,
                level=worst,
            )
        )

    def close(self, now: datetime) -> Goal | None:
        """At the period end: call the outcome, exactly once, and open the next period's goal if recurring."""
        if not self.is_open or now < self.period.end:
            return None
        self.closed_at = now
        if self.actual >= self.target:
            self.status = GoalStatus.ACHIEVED
            self._record(now, "closed", None, {"outcome": "achieved", "actual": str(self.actual)})
        else:
            self.status = GoalStatus.MISSED
            self._record(now, "missed", None, {"actual": str(self.actual), "shortfall": str(self.shortfall)})
            self.events.append(
                GoalMissed(
                    **self._about(),
                    target=self.target,
                    actual=self.actual,
                    shortfall=self.shortfall,
                    attainment=self.attainment,
                    unit=self.unit,
                )
            )
        return self._successor(now)

    def request_adjustment(
        self,
        *,
        by: str,
        reason: str,
        new_target: Decimal | None,
        new_period_end: datetime | None,
        approved: bool,
        now: datetime,
    ) -> Adjustment:
        if not self.is_open:
            raise GoalRuleViolation(
                f"only an open goal can be adjusted; this one is {self.status}",
                code="goal_not_open",
                ctx={"status": self.status.value},
            )
        self._before_deadline(now, "adjusted")
        if new_target is None and new_period_end is None:
            raise GoalRuleViolation(
                "an adjustment changes the target, the period end or both", code="adjustment_changes_nothing"
            )
        if new_period_end is not None and (new_period_end <= now or new_period_end <= self.period.start):
            raise GoalRuleViolation(
                "the new period end must be in the future and after the start",
                code="adjustment_end_not_ahead",
                field="body.new_period_end",
            )
        if any(a.status == "pending" for a in self.adjustments):
            raise GoalRuleViolation("an adjustment is already waiting for approval", code="adjustment_pending")
        adjustment = Adjustment(
            adjustment_id=str(uuid.uuid4()),
            requested_by=by,
            requested_at=now,
            reason=reason,
            new_target=new_target,
            new_period_end=new_period_end,
        )
        self.adjustments.append(adjustment)
        self._record(now, "adjustment_requested", by, _adjustment_details(adjustment))
        if approved:
            self.decide_adjustment(adjustment.adjustment_id, approve=True, by=by, now=now)
        return adjustment

    def decide_adjustment(self, adjustment_id: str, *, approve: bool, by: str, now: datetime) -> Adjustment:
        adjustment = next((a for a in self.adjustments if a.adjustment_id == adjustment_id), None)
        if adjustment is None:
            raise GoalRuleViolation(f"no adjustment {adjustment_id} on this goal")
        if adjustment.status != "pending":
            raise GoalRuleViolation(f"the adjustment is already {adjustment.status}")
        if approve:
            if not self.is_open:
                raise GoalRuleViolation(f"the goal is {self.status}; the adjustment can no longer apply")
            self._before_deadline(now, "adjusted")
            if adjustment.new_period_end is not None and adjustment.new_period_end <= now:
                raise GoalRuleViolation(
                    "the requested period end has passed; reject this adjustment and ask for a new one"
                )
        adjustment.decided_by, adjustment.decided_at = by, now
        if not approve:
            adjustment.status = "rejected"
            self._record(now, "adjustment_rejected", by, {"adjustment_id": adjustment_id})
            return adjustment
        adjustment.status = "applied"
        old_target, old_end = self.target, self.period.end
        self.target = adjustment.new_target or self.target
        if adjustment.new_period_end is not None:
            self.period = replace(self.period, end=adjustment.new_period_end)
        self.at_risk_raised = []  # a new target or period is a new pace
        self._record(now, "adjusted", by, _adjustment_details(adjustment))
        self.events.append(
            GoalAdjusted(
                **self._about(),
                adjusted_by=adjustment.requested_by,
                reason=adjustment.reason,
                old_target=old_target,
                new_target=self.target,
                old_period_end=old_end if adjustment.new_period_end is not None else None,
                approved_by=by,
            )
        )
        return adjustment

    def recount(self, actual: Decimal, activities: int, now: datetime) -> None:
        """Progress recomputed from the stored activities (after a period or membership change)."""
        if actual != self.actual or activities != self.activity_count:
            self.actual, self.activity_count, self.progressed = actual, activities, True
        self._check_achieved(now)

    def cancel(self, by: str, reason: str, now: datetime) -> None:
        if self.status in (GoalStatus.MISSED, GoalStatus.CANCELLED) or self.is_closed:
            raise GoalRuleViolation(
                f"a {self.status} goal cannot be cancelled",
                code="goal_not_cancellable",
                ctx={"status": self.status.value},
            )
        announced = self.status is not GoalStatus.DRAFT  # a draft was never announced (no GoalSet): nothing to retract
        if announced:
            self._before_deadline(now, "cancelled")
        self.status = GoalStatus.CANCELLED
        self._record(now, "cancelled", by, {"reason": reason})
        if announced:
            self.events.append(GoalCancelled(**self._about(), cancelled_by=by, reason=reason))

    def analyze_miss(self, by: str, cause: str, action_plan: str, now: datetime) -> None:
        if self.status is not GoalStatus.MISSED:
            raise GoalRuleViolation("only a missed goal takes a cause analysis", code="goal_not_missed")
        self.miss_analysis = MissAnalysis(cause=cause, action_plan=action_plan, analyzed_by=by, analyzed_at=now)
        self._record(now, "miss_analyzed", by, {"cause": cause, "action_plan": action_plan})
        self.events.append(GoalMissAnalyzed(**self._about(), analyzed_by=by, cause=cause, action_plan=action_plan))

    # ------------------------------------------------------------ internals

    def _before_deadline(self, now: datetime, what: str) -> None:
        """Past its end a goal waits to be called at its deadline: changing it then would turn a miss into
        something else (a lower target achieved, a later end, a cancellation)."""
        if now >= self.period.end:
            raise GoalRuleViolation(
                f"the goal's period has ended; it can no longer be {what}, only called",
                code="goal_period_over",
                ctx={"action": what},
            )

    def _check_achieved(self, now: datetime) -> None:
        if self.status is GoalStatus.ACTIVE and self.actual >= self.target:
            self.status = GoalStatus.ACHIEVED
            self.achieved_at = self.achieved_at or now
            if not self.achievement_announced:
                self.achievement_announced = True
                self._record(now, "achieved", None, {"actual": str(self.actual)})
                self.events.append(
                    GoalAchieved(
                        **self._about(),
                        target=self.target,
                        actual=self.actual,
                        achieved_at=now,
                        attainment=self.attainment,
                    )
                )
        elif self.status is GoalStatus.ACHIEVED and self.actual < self.target and not self.is_closed:
            self.status = GoalStatus.ACTIVE  # a retraction took it back below target before the deadline

    def _successor(self, now: datetime) -> Goal | None:
        if self.recurrence is Recurrence.NONE:
            return None
        period = next_period(self.period, self.recurrence, self.zone)
        while period.end <= now:  # closed a whole period late (the service was down): the current period is next
            period = next_period(period, self.recurrence, self.zone)
        successor = Goal(
            goal_id=str(uuid.uuid4()),
            owner_id=self.owner_id,
            owner_kind=self.owner_kind,
            team_id=self.team_id,
            title=self.title,
            metric=self.metric,
            target=self.target,
            unit=self.unit,
            timezone=self.timezone,
            period=period,
            recurrence=self.recurrence,
            pace_profile=self.pace_profile,
            at_risk_levels=list(self.at_risk_levels),
            at_risk_grace=self.at_risk_grace,
            created_by=self.created_by,
            created_at=now,
            parent_goal_id=self.parent_goal_id,
            previous_goal_id=self.goal_id,
        )
        successor.activate(now, by="recurrence")
        return successor

    def _next_level(self) -> Decimal | None:
        remaining = [level for level in self.at_risk_levels if level not in self.at_risk_raised]
        return max(remaining) if remaining else None

    def _record(self, at: datetime, kind: str, by: str | None, details: dict[str, Any]) -> None:
        self.new_history.append(HistoryEntry(at=at, kind=kind, by=by, details=details))

    def _about(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal_id,
            "owner_id": self.owner_id,
            "owner_kind": self.owner_kind,
            "team_id": self.team_id,
            "title": self.title,
            "period_start": self.period.start,
            "period_end": self.period.end,
        }


def _adjustment_details(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "adjustment_id": adjustment.adjustment_id,
        "reason": adjustment.reason,
        "new_target": str(adjustment.new_target) if adjustment.new_target is not None else None,
        "new_period_end": adjustment.new_period_end.isoformat() if adjustment.new_period_end else None,
    }
