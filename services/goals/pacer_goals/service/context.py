"""What the goals use cases need: the shared runtime, the repository and the settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pacer_goals.adapters.checkins import CheckInRepository
from pacer_goals.adapters.repository import GoalRepository
from pacer_goals.service.views import GoalViews
from pacer_goals.settings import GoalsSettings
from pacer_shared.service import Runtime


@dataclass(frozen=True)
class Goals:
    runtime: Runtime
    repository: GoalRepository
    settings: GoalsSettings
    dashboard_goals: GoalViews
    checkins: CheckInRepository
    deadlines_changed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a goal's next due time may have moved earlier, so the deadline worker re-plans its sleep."""

    @classmethod
    def of(cls, runtime: Runtime) -> Goals:
        assert isinstance(runtime.settings, GoalsSettings)
        repository = GoalRepository(runtime.db, runtime.uow)
        views = GoalViews(repository, runtime.settings.dashboard_cache_goals)
        return cls(runtime, repository, runtime.settings, views, CheckInRepository(runtime.db, runtime.uow))
