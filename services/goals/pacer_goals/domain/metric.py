"""Which activities count toward a goal, and by how much."""

from __future__ import annotations

from decimal import Decimal

from pacer_shared.events.goals import GoalMetric, MetricAggregation
from pacer_shared.events.sales import SalesActivityRecorded


def measure(metric: GoalMetric, activity: SalesActivityRecorded) -> Decimal | None:
    """The activity's contribution to a goal with this metric, or None when it does not count."""
    if activity.kind not in metric.kinds:
        return None
    if metric.aggregation is MetricAggregation.COUNT:
        return Decimal(1)
    if metric.aggregation is MetricAggregation.SUM_QUANTITY:
        return activity.quantity
    if activity.amount is None or activity.currency != metric.currency:
        return None  # a money goal counts money in its own currency only
    return activity.amount
