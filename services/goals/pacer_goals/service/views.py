"""Goals decoded once per version, for reads that show the same goals again and again (the team dashboard)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Counter

from pacer_goals.adapters.repository import GoalRepository, Stamp, stamp_of
from pacer_goals.domain.goal import Goal
from pacer_shared.mongo import Document

SHOWN = Counter(
    "pacer_goals_dashboard_goals_total",
    "Goals shown on team dashboards: kept (decoded earlier at the same version) or read (read in full)",
    ["source"],
)
KEPT, READ = SHOWN.labels("kept"), SHOWN.labels("read")


@dataclass(slots=True)
class GoalView:
    """A goal as a read path shows it: the domain object, only ever read, and what the API derived from it once."""

    goal: Goal
    shown: Document | None = None


class GoalViews:
    """The goals a query matches, decoded and derived once per goal version.

    Each read still asks the database which goals match and at which stamp (two small fields), and reads in full
    only the goals not kept at that stamp. Every write of a goal raises its version, so nothing shown is older than
    the read that shows it: a cache that is never stale, only smaller or larger. Decoding sixty goals and building
    their domain objects and answer fields was nearly half of a dashboard request's CPU (bench/PERFORMANCE.md).

    Bounded by `size` goals (0 keeps none); past it, the goals kept longest go first. A plain dict keeps insertion
    order, which is all that needs; a hit does not reorder, so it costs one lookup.
    """

    def __init__(self, repository: GoalRepository, size: int) -> None:
        self._repository, self._size = repository, size
        self._kept: dict[str, tuple[Stamp, GoalView]] = {}

    async def find(self, query: Document) -> list[GoalView]:
        if not self._size:
            views = [GoalView(goal) for goal in await self._repository.find(query)]
            READ.inc(len(views))
            return views
        stamps = await self._repository.stamps(query)
        found: dict[str, GoalView] = {}
        for goal_id, stamp in stamps:
            kept = self._kept.get(goal_id)
            if kept is not None and kept[0] == stamp:
                found[goal_id] = kept[1]
        missing = [goal_id for goal_id, _ in stamps if goal_id not in found]
        KEPT.inc(len(found))
        READ.inc(len(missing))
        if missing:
            # Read as they are now: a goal changed since its stamp was read is shown (and kept) at its newer
            # version, one that stopped matching is left out.
            for goal in await self._repository.find({**query, "_id": {"$in": missing}}):
                found[goal.goal_id] = self._keep(goal)
        return [found[goal_id] for goal_id, _ in stamps if goal_id in found]

    def _keep(self, goal: Goal) -> GoalView:
        goal.stored = None  # kept goals are never saved, so the document kept for a save's diff can go
        view = GoalView(goal)
        self._kept.pop(goal.goal_id, None)
        self._kept[goal.goal_id] = (stamp_of(goal), view)
        while len(self._kept) > self._size:
            del self._kept[next(iter(self._kept))]
        return view
