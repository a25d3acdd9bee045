"""Period over period: a month against the month before, a quarter against the same quarter a year earlier."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pacer_analytics.domain.report import ReportPeriod
from pacer_analytics.domain.series import Granularity, MonthOverMonth, PeriodTotals
from pacer_analytics.service import series
from pacer_analytics.service.context import Analytics
from pacer_shared.auth import Principal


@dataclass(frozen=True)
class Growth:
    period: ReportPeriod
    change: MonthOverMonth
    """`current` against `previous`; named for months, the arithmetic is the same for quarters."""
    assistant_ids: list[str]


async def over_period(
    analytics: Analytics,
    principal: Principal,
    kind: str,
    period: ReportPeriod,
    assistant_id: str | None = None,
    team_id: str | None = None,
) -> Growth:
    """Both periods' totals on each assistant's own days; a period in progress counts its days so far. The same
    comparison the team reports make (`ReportPeriod.compared_with`)."""

    async def totals(of: ReportPeriod) -> tuple[PeriodTotals, list[str]]:
        request = series.SeriesRequest(kind, Granularity.DAY, of.first, of.last)
        if assistant_id is not None:
            found = await series.of_assistant(analytics, principal, assistant_id, request)
        else:
            assert team_id is not None
            found = await series.of_team(analytics, principal, team_id, request)
        summed = PeriodTotals(of.first)
        for day in found.periods:
            summed.count += day.count
            summed.quantity += day.quantity
            for currency, amount in day.amounts.items():
                summed.amounts[currency] = summed.amounts.get(currency, Decimal(0)) + amount
        return summed, found.assistant_ids

    current, members = await totals(period)
    previous, _ = await totals(period.compared_with)
    return Growth(period, MonthOverMonth(current, previous), members)
