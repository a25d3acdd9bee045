"""When a message may go out: now, when the person's quiet hours end, or in their next digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.rules import Priority, Rule


@dataclass(frozen=True)
class Timing:
    due_at: datetime
    deferred: str | None = None
    """Why not now: `quiet_hours` or `digest`."""

    @property
    def digest(self) -> bool:
        return self.deferred == "digest"


def timing(rule: Rule, preferences: Preferences, zone: ZoneInfo, now: datetime) -> Timing:
    if rule.priority is Priority.LOW and preferences.digest is not None:
        return Timing(preferences.digest.next_after(now, zone), "digest")
    quiet = preferences.quiet_hours
    if rule.priority is not Priority.URGENT and quiet is not None and quiet.contains(now.astimezone(zone).time()):
        return Timing(quiet.end_after(now, zone), "quiet_hours")
    return Timing(now)
