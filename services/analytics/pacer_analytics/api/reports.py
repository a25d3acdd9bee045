"""A team's monthly or quarterly report, as CSV or XLSX."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from pacer_analytics.adapters.report_files import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, as_csv, as_xlsx
from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import ReportFormat, report_period
from pacer_analytics.domain.report import ReportPeriod
from pacer_analytics.domain.report_language import ReportLanguage
from pacer_analytics.service.reports import team_report, with_bonuses
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Role
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["reports"], responses=RESPONSES)
Period = Annotated[ReportPeriod, Depends(report_period)]


@router.get(
    "/teams/{team_id}/reports/{period}.{format}",
    summary="A team's month or quarter: activity per assistant and kind, the change against the month before or "
    "the same quarter a year earlier, and the trend inside it",
    response_class=Response,
    responses={
        200: {
            "description": "CSV: one row per assistant and kind, then per kind for the team. XLSX: a sheet per view "
            "(Activity, Change, Trend with its chart, About; for hr also Bonuses, the statements whose period ends in "
            "this one, as in hr's mailed copy). Headers and sheet names in the reader's language",
            "content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}},
        },
        **responses(422),
    },
)
async def team_report_file(
    team_id: str,
    period: Period,
    format: ReportFormat,
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    lang: Annotated[
        ReportLanguage | None,
        Query(description="The report's language (headers, sheet names); by default the reader's roster locale"),
    ] = None,
) -> Response:
    report = await team_report(analytics, principal, team_id, period)
    if lang is None:
        reader = await analytics.runtime.people.get(principal.subject)
        lang = ReportLanguage.for_locale(reader.get("locale") if reader else None)
    await audit.record("activity_report.read", f"team/{team_id}/activity")
    copy = ""
    if format is ReportFormat.XLSX and principal.has(Role.HR):
        # hr's copy, as mailed: bonus amounts are for hr alone, and reading them is audited like reading statements.
        report, copy = await with_bonuses(analytics, report), "-hr"
        await audit.record("bonus_statement.listed", f"team/{team_id}/reports/{period.name}")
    # Only safe characters in a header's file name, whatever a team id holds.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"pacer-{team_id}-{period.name}{copy}.{format}")
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format is ReportFormat.CSV:
        return Response(as_csv(report, lang), media_type=CSV_MEDIA_TYPE, headers=disposition)
    return Response(as_xlsx(report, lang), media_type=XLSX_MEDIA_TYPE, headers=disposition)
