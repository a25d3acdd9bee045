"""The early warnings raised about a team's assistants, for the manager who leads it, hr and admins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days, ask_people
from pacer_analytics.domain.warning import BASELINE_WEEKS, Windows
from pacer_analytics.service.access import readable_team
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.series import within_limits
from pacer_analytics.service.zones import UTC
from pacer_shared.auth import Principal
from pacer_shared.mongo import Document


@dataclass(frozen=True)
class RaisedWarning:
    assistant_id: str
    kind: str
    week: str
    sent_at: datetime
    checked_on: date
    recent_count: int
    weekly_average: Decimal


async def of_team(
    analytics: Analytics, principal: Principal, team_id: str, first: date, last: date
) -> tuple[list[RaisedWarning], list[str]]:
    """Warnings sent on a day in [first, last] (the assistant's own calendar), newest first.

    The counts are worked out again from the daily table for the day the check ran, so an activity that arrived
    late since shows; the warning itself stands as it was sent (once a week).
    """
    within_limits(analytics, first, last)
    members = {m["_id"]: m for m in await readable_team(analytics.runtime.people, principal, team_id)}
    raised = await analytics.read(ask_people(Ask(), "warned", members))
    checks = []
    for key, sent in raised.warned.items():
        assistant_id, kind, week = json.loads(key)
        if assistant_id not in members:
            continue
        sent_at = datetime.fromisoformat(sent)
        checked_on = sent_at.astimezone(_zone_of(members[assistant_id])).date()
        if first <= checked_on <= last:
            checks.append((assistant_id, kind, week, sent_at, Windows(checked_on)))
    ask = Ask()
    for assistant_id, kind, _, _, windows in checks:
        for span in (windows.baseline, windows.recent):
            ask_days(ask, [assistant_id], [kind], *span)
    view = await analytics.read(ask)

    def count(span: tuple[date, date], who: str, what: str) -> int:
        return sum(totals.count for _, totals in view.daily.of(who, what, *span))

    found = [
        RaisedWarning(
            assistant_id,
            kind,
            week,
            sent_at,
            windows.checked_on,
            count(windows.recent, assistant_id, kind),
            Decimal(count(windows.baseline, assistant_id, kind)) / BASELINE_WEEKS,
        )
        for assistant_id, kind, week, sent_at, windows in checks
    ]
    found.sort(key=lambda w: (w.sent_at, w.assistant_id, w.kind), reverse=True)
    return found, sorted(members)


def _zone_of(person: Document) -> ZoneInfo:
    try:
        return ZoneInfo(person.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
