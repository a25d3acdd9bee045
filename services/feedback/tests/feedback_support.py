"""A running feedback service with the roster and a teammate of distinctive name, and helpers to talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pacer_feedback.domain.anonymity import next_release
from pacer_testkit.clocked import FileClock
from pacer_testkit.roster import ROSTER, person
from pacer_testkit.stack import ServiceProcess, eventually, running
from pacer_testkit.world import RunningService, ServiceWorld

RELEASE_HOUR = 6
ORGANISATION_ZONE = "UTC"
"""The service's scheduled release: 06:00 of the organisation's day, in UTC."""

ANNABEL = person(
    "ann-7f3a", "assistant", "mia", "north", display_name="Annabel Quist", email="annabel.quist@example.com"
)
"""A teammate whose id, name and address are each unlike any word the service stores, so finding one of them in
its data can only mean the author was written down."""
ROSTER = [*ROSTER, ANNABEL]
TUNING = {
    "PACER_FEEDBACK_ANONYMOUS_RELEASE_HOUR": str(RELEASE_HOUR),
    "PACER_FEEDBACK_ORGANISATION_TIMEZONE": ORGANISATION_ZONE,
    "PACER_FEEDBACK_RELEASE_POLL_SECONDS": "0.2",
}


@dataclass
class FeedbackWorld(ServiceWorld):
    @property
    def clock(self) -> FileClock:
        """The service's clock: real time until a test sets it."""
        return FileClock(self.log_dir / "clock")

    def replica(self) -> AbstractAsyncContextManager[ServiceProcess]:
        """Another process of the service on the same database, consumer group and clock."""
        return running("pacer_feedback.main", "feedback", self.env, self.log_dir, clock_file=self.clock.path)

    def next_release(self) -> datetime:
        return next_release(self.clock.now(), RELEASE_HOUR, ZoneInfo(ORGANISATION_ZONE))

    async def release(self) -> datetime:
        """Move the service's clock just past its next scheduled release and wait until that run has settled
        everything that was due; the moment of the release."""
        moment = self.next_release()
        self.clock.set(moment + timedelta(minutes=1))

        async def settled() -> bool:
            windows = [w for w in await self.stored("anonymous_windows") if w.get("due_at")]
            threads = [s for s in await self.stored("anonymous_submissions") if s.get("replies_due_at")]
            return not windows and not threads

        await eventually(settled, what="the scheduled release to settle what was due")
        return moment


@pytest.fixture
async def world(running_service: RunningService, tmp_path: Path) -> AsyncIterator[FeedbackWorld]:
    clock = FileClock(tmp_path / "clock")
    async with running_service(
        "pacer_feedback.main", ROSTER, world=FeedbackWorld, clock_file=clock.path, **TUNING
    ) as feedback:
        yield feedback
