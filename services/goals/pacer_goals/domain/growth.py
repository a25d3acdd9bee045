"""Growth targets: +N% (or −N%) over a baseline, the same metric's actual in an earlier period, resolved to a number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pacer_goals.domain.errors import GoalRuleViolation
from pacer_goals.domain.periods import Period, period_starting
from pacer_shared.events.goals import MetricAggregation, Recurrence

HUNDRED = Decimal(100)


class Baseline(StrEnum):
    PREVIOUS_PERIOD = "previous_period"
    SAME_PERIOD_LAST_YEAR = "same_period_last_year"


@dataclass(frozen=True)
class GrowthTarget:
    change_percent: Decimal
    """+10 for ten per cent more than the baseline, −5 for five per cent less."""
    baseline: Baseline


@dataclass(frozen=True)
class ResolvedGrowth:
    """A growth target turned into a number, with what it was computed from (shown by the SMART check)."""

    change_percent: Decimal
    baseline: Baseline
    baseline_period: Period
    baseline_actual: Decimal
    target: Decimal


class NoBaseline(GoalRuleViolation):
    """The baseline period holds nothing to grow from."""


def baseline_period(period: Period, recurrence: Recurrence, baseline: Baseline, zone: ZoneInfo) -> Period:
    """The period a growth target compares with, in the owner's calendar.

    The previous period of a calendar month (or week, quarter) is the calendar month before it, whatever its
    length; a period of its own is compared with the same length just before it. A year before is the same local
    dates one year earlier (29 February: the 28th).
    """
    if baseline is Baseline.SAME_PERIOD_LAST_YEAR:
        return Period(_year_before(period.start, zone), _year_before(period.end, zone))
    start_day = period.start.astimezone(zone).date()
    if recurrence is not Recurrence.NONE and period == period_starting(start_day, recurrence, zone):
        before = period.start.astimezone(zone).date().toordinal() - 1
        return period_starting(start_day.fromordinal(before), recurrence, zone)
    return Period(period.start - period.length, period.start)


def resolve(
    growth: GrowthTarget,
    period: Period,
    actual: Decimal,
    activities: int,
    aggregation: MetricAggregation,
    unit: str,
    zone: ZoneInfo,
) -> ResolvedGrowth:
    """The target `growth` asks for over `actual`, the baseline period's result (from `activities` activities)."""
    shown = local_days(period, zone)
    if activities == 0 or actual <= 0:
        raise NoBaseline(
            f"no baseline: nothing counted in the {growth.baseline.value.replace('_', ' ')} ({shown}) to grow "
            "from; set a fixed target instead"
        )
    # Rounded up: "+10%" promises at least ten per cent more, and a count is met by whole activities.
    step = Decimal(1) if aggregation is MetricAggregation.COUNT else Decimal("0.01")
    target = (actual * (HUNDRED + growth.change_percent) / HUNDRED).quantize(step, rounding=ROUND_CEILING)
    if target <= 0:
        raise GoalRuleViolation(f"{growth.change_percent}% of {actual} {unit} leaves no target above zero")
    return ResolvedGrowth(growth.change_percent, growth.baseline, period, actual, target)


def explain(resolved: ResolvedGrowth, unit: str, zone: ZoneInfo) -> str:
    sign = "+" if resolved.change_percent >= 0 else ""
    return (
        f"{resolved.target} {unit}: {sign}{resolved.change_percent}% over {resolved.baseline_actual} {unit}, "
        f"the actual of the {resolved.baseline.value.replace('_', ' ')} ({local_days(resolved.baseline_period, zone)})"
    )


def local_days(period: Period, zone: ZoneInfo) -> str:
    """The period's first and last day in the owner's calendar (its end is exclusive)."""
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(zone).date()
    return f"{first.isoformat()} to {last.isoformat()}"


def _year_before(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    day = local.day if not (local.month == 2 and local.day == 29) else 28
    return local.replace(year=local.year - 1, day=day).astimezone(moment.tzinfo)
