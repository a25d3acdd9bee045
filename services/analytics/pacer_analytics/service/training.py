"""Training effect of an assistant: each course they completed, with the targeted activity before and after it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days, ask_people
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
    courses = await analytics.read(ask_people(Ask(), "trainings", [assistant_id]))
    completions = sorted(
        (Completion.from_json(raw) for raw in (courses.trainings.get(assistant_id) or {}).values()),
        key=lambda c: (c.completed_on, c.assignment_id),
        reverse=True,
    )
    targets = analytics.settings.training_kinds
    # Which days each effect counts is the domain's to say: asked once with nothing counted, to learn the spans,
    # then again with the days read from the workers that hold them.
    spans: list[tuple[str, date, date]] = []

    def note(kind: str, first: date, last: date) -> int:
        spans.append((kind, first, last))
        return 0

    for completion in completions:
        effect(completion, targets.get(completion.category, []), weeks, today, note)
    ask = Ask()
    for kind, first, last in spans:
        ask_days(ask, [assistant_id], [kind], first, last)
    view = await analytics.read(ask)

    def count(kind: str, first: date, last: date) -> int:
        return sum(t.count for _, t in view.daily.of(assistant_id, kind, first, last))

    return [effect(c, targets.get(c.category, []), weeks, today, count) for c in completions]
