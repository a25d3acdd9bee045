"""Each person's time zone from the roster projection, which decides the calendar day an activity counts on."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pacer_shared.people import People

UTC = ZoneInfo("UTC")


class TimeZones:
    """Known people's zones are reused for a while (one roster read per event would bound the stream at the
    database's pace); a person not yet in the roster is looked up again on their next activity."""

    def __init__(self, people: People, reuse_seconds: float) -> None:
        self._people = people
        self._reuse = reuse_seconds
        self._known: dict[str, tuple[float, ZoneInfo]] = {}

    async def of(self, person_id: str) -> ZoneInfo | None:
        now = time.monotonic()
        cached = self._known.get(person_id)
        if cached is not None and now - cached[0] < self._reuse:
            return cached[1]
        person = await self._people.get(person_id)
        if person is None:
            return None
        try:
            zone = ZoneInfo(person.get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        self._known[person_id] = (now, zone)
        return zone

    async def day_of(self, person_id: str, moment: datetime) -> date:
        """The person's own calendar day; UTC's for someone the roster does not know (yet)."""
        return moment.astimezone(await self.of(person_id) or UTC).date()
