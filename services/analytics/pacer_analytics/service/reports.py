"""A team's monthly or quarterly report: each assistant's activity per kind, the period against the one it is
compared with, and the team's trend inside the period, read from the same tables as the series."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days, ask_people
from pacer_analytics.domain.bonus import Statement
from pacer_analytics.domain.day import DayTotals
from pacer_analytics.domain.report import ReportPeriod
from pacer_analytics.domain.series import MonthOverMonth, PeriodTotals, roll_up
from pacer_analytics.service.access import readable_team
from pacer_analytics.service.context import Analytics
from pacer_shared.auth import Principal
from pacer_shared.mongo import Document


@dataclass(frozen=True)
class Assistant:
    assistant_id: str
    name: str


@dataclass(frozen=True)
class KindChange:
    """One kind's totals in the period and in the one it is compared with; `assistant` is None for the whole team."""

    assistant: Assistant | None
    kind: str
    change: MonthOverMonth


@dataclass(frozen=True)
class TeamReport:
    team_id: str
    period: ReportPeriod
    assistants: list[Assistant]
    kinds: list[str]
    rows: list[KindChange]
    """Every assistant × every kind the team recorded in either period (zeros included), then the team per kind."""
    trend: dict[str, list[PeriodTotals]]
    """The team's totals per kind, week by week in a month, month by month in a quarter."""
    bonuses: list[Statement] | None = None
    """hr's copy only: the assistants' bonus statements whose period ends in this one. None: a copy without any."""

    @property
    def currencies(self) -> list[str]:
        return sorted({currency for row in self.rows for currency in row.change.current.amounts})


async def team_report(analytics: Analytics, principal: Principal, team_id: str, period: ReportPeriod) -> TeamReport:
    """The team's report for someone who may read it."""
    return await report_of(
        analytics, team_id, await readable_team(analytics.runtime.people, principal, team_id), period
    )


async def report_of(analytics: Analytics, team_id: str, members: list[Document], period: ReportPeriod) -> TeamReport:
    """The team's current assistants, each on their own calendar days, as the team's series counts them."""
    assistants = sorted(
        (Assistant(m["_id"], m.get("display_name") or m["_id"]) for m in members), key=lambda a: a.assistant_id
    )
    ids = [a.assistant_id for a in assistants]
    earlier = period.compared_with
    recorded = await analytics.read(replace(ask_people(Ask(), "daily", ids), keys_only=True))
    kinds = sorted(recorded.daily.kinds_of(ids, (period.first, period.last), (earlier.first, earlier.last)))
    view = await analytics.read(
        ask_days(ask_days(Ask(), ids, kinds, period.first, period.last), ids, kinds, earlier.first, earlier.last)
    )

    def days(who: list[str], kind: str, of: ReportPeriod) -> list[tuple[date, DayTotals]]:
        return [day for member in who for day in view.daily.of(member, kind, of.first, of.last)]

    def change(who: list[str], kind: str) -> MonthOverMonth:
        return MonthOverMonth(_whole(period, days(who, kind, period)), _whole(earlier, days(who, kind, earlier)))

    rows = [KindChange(a, kind, change([a.assistant_id], kind)) for a in assistants for kind in kinds]
    rows += [KindChange(None, kind, change(ids, kind)) for kind in kinds]
    trend = {
        kind: roll_up(period.trend_granularity, period.first, period.last, days(ids, kind, period)) for kind in kinds
    }
    return TeamReport(team_id, period, assistants, kinds, rows, trend)


def _whole(period: ReportPeriod, found: list[tuple[date, DayTotals]]) -> PeriodTotals:
    totals = PeriodTotals(period.first)
    for _, day in found:
        totals.absorb(day)
    return totals


async def with_bonuses(analytics: Analytics, report: TeamReport) -> TeamReport:
    """hr's copy: the same report with each assistant's statements whose period ends inside the report's."""
    period = report.period
    view = await analytics.read(ask_people(Ask(), "bonuses", [a.assistant_id for a in report.assistants]))
    statements = [
        statement
        for assistant in report.assistants
        for statement in view.bonuses.of(assistant.assistant_id)
        if statement.ends_within(period.first, period.last) and statement.total is not None
    ]
    return replace(report, bonuses=sorted(statements, key=lambda s: (s.person_id, str(s.period_last), s.statement_id)))
