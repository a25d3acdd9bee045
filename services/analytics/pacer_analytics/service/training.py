"""Training effect of an assistant: each course they completed, with the targeted activity before and after it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pacer_analytics.domain.training import Completion, Effect, effect
from pacer_analytics.service.access import readable_assistant
from pacer_analytics.service.context import Analytics
from pacer_shared.auth import Principal


async def of_assistant(analytics: Analytics, principal: Principal, assistant_id: str, weeks: int) -> list[Effect]:
    """Most recent completion first."""
    person = await readable_assistant(analytics.runtime.people, principal, assistant_id)
    try:
        zone = ZoneInfo(person.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    today = analytics.runtime.clock.now().astimezone(zone).date()
    completions = sorted(
        (Completion.from_json(raw) for raw in (analytics.trainings.get(assistant_id) or {}).values()),
        key=lambda c: (c.completed_on, c.assignment_id),
        reverse=True,
    )

    def count(kind: str, first: date, last: date) -> int:
        return sum(t.count for _, t in analytics.daily.of(assistant_id, kind, first, last))

    targets = analytics.settings.training_kinds
    return [effect(c, targets.get(c.category, []), weeks, today, count) for c in completions]
