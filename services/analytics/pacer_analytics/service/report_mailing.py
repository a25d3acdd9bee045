"""Team reports mailed when a month or quarter ends in the organisation's zone: the manager's copy without bonus
amounts, hr's with them, each as TeamReportReady carrying the XLSX in its readers' language; notifications
e-mails it.

Due once the worker has read its input's history and its tables are whole (a report built half-way through a
replay would be short), once per team and period across workers and restarts (adapters/mailings.py).
"""

from __future__ import annotations

import base64
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pacer_analytics.adapters.mailings import Mailings
from pacer_analytics.adapters.report_files import XLSX_MEDIA_TYPE, as_xlsx
from pacer_analytics.domain.report import ReportPeriod, ended_by
from pacer_analytics.domain.report_language import ReportLanguage
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.reports import TeamReport, report_of, with_bonuses
from pacer_shared.events.analytics import TeamReportReady
from pacer_shared.events.attachments import Attachment
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document
from pacer_shared.people import PEOPLE, is_assistant

log = get_logger(__name__)
WORKER = uuid.uuid4().hex
"""This process, as the holder of a claim."""


async def mail_due_reports(analytics: Analytics, mailings: Mailings) -> None:
    """One look: the periods that ended, each team's report not yet mailed."""
    if analytics.unready() or not await analytics.catch_up.reached():
        return
    settings = analytics.settings
    now = analytics.runtime.clock.now()
    today = now.astimezone(settings.organisation_zone).date()
    for period in ended_by(today, settings.report_mail_within_days):
        if await mailings.period_done(period.name):
            continue
        teams = await _teams(analytics)
        for team_id in teams:
            if await mailings.claim(period.name, team_id, WORKER, now):
                event_ids = await _mail_team(analytics, period, team_id, now)
                await mailings.sent(period.name, team_id, event_ids, analytics.runtime.clock.now())
                log.info("team report mailed", period=period.name, team_id=team_id, event_ids=event_ids)
        # Done only once every team's went out: a claim another worker holds is looked at again until it is sent,
        # or taken over when its lease runs out.
        if await mailings.all_sent(period.name, teams):
            await mailings.mark_period_done(period.name, now)


async def _teams(analytics: Analytics) -> list[str]:
    """The teams with active assistants, once per period that ended."""
    return sorted({p["team_id"] for p in await analytics.runtime.people.with_role("assistant") if p.get("team_id")})


async def _mail_team(analytics: Analytics, period: ReportPeriod, team_id: str, at: datetime) -> list[str]:
    people = analytics.runtime.people
    members = await people.assistants_in(team_id)
    report = await report_of(analytics, team_id, members, period)
    leads = await _leads_of(analytics, team_id, members)
    copies: list[tuple[Literal["manager", "hr"], TeamReport, list[Document]]] = [
        ("manager", report, leads),
        ("hr", await with_bonuses(analytics, report), await people.with_role("hr")),
    ]
    event_ids = []
    for audience, copy, readers in copies:
        for language, ids in _by_language(readers).items():
            data = TeamReportReady(
                team_id=team_id,
                period=period.name,
                first_day=period.first,
                last_day=period.last,
                compared_with=period.compared_with.name,
                audience=audience,
                recipient_ids=ids,
                language=language.value,
                includes_bonuses=copy.bonuses is not None,
                assistants=len(copy.assistants),
                attachments=[_xlsx(copy, language, audience)],
            )
            key = f"{team_id}:{period.name}:{audience}:{language.value}"
            event_ids.append(await analytics.publisher.publish(data, key, at))
    return event_ids


async def _leads_of(analytics: Analytics, team_id: str, members: list[Document]) -> list[Document]:
    """Whoever the roster says leads the team: named its lead, or the manager all its assistants report to."""
    people = analytics.runtime.people
    named = analytics.runtime.db[PEOPLE].find({"leads_team_ids": team_id, "active": True}, {"_id": 1})
    candidates = {m.get("manager_id") for m in members if is_assistant(m)} | {p["_id"] async for p in named}
    found = await people.many(c for c in candidates if c)
    return [found[c] for c in sorted(found) if team_id in await people.teams_led_by(c)]


def _by_language(readers: Iterable[Document]) -> dict[ReportLanguage, list[str]]:
    grouped: dict[ReportLanguage, list[str]] = defaultdict(list)
    for reader in sorted(readers, key=lambda r: str(r["_id"])):
        grouped[ReportLanguage.for_locale(reader.get("locale"))].append(reader["_id"])
    return dict(grouped)


def _xlsx(report: TeamReport, language: ReportLanguage, audience: str) -> Attachment:
    suffix = "-hr" if audience == "hr" else ""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"pacer-{report.team_id}-{report.period.name}{suffix}.xlsx")
    return Attachment(
        filename=name,
        content_type=XLSX_MEDIA_TYPE,
        content=base64.b64encode(as_xlsx(report, language)).decode(),
        encoding="base64",
    )
