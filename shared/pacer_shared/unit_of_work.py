"""The unit of work: one MongoDB transaction whose new events are staged in the outbox as it commits.

The one way a handler publishes. Inside `run`, a handler writes its changes with the session it is given and
tells the unit of work what those changes raised:

    async def work(session: Session) -> Goal:
        goal = await repository.get(goal_id, session)
        goal.cancel(by, reason, now)                  # the aggregate records GoalCancelled
        await repository.save([goal], now, session)   # the repository calls uow.track(session, goal)
        uow.publish(session, AuditNoted(...))         # an event no aggregate records
        return goal

    goal = await uow.run(work)

- `track(session, *aggregates)`: anything with an `events` list (an entity that records its own events, such
  as `Goal`). A repository tracks the aggregates it writes, so saving an aggregate is what publishes it.
  Tracking the same aggregate twice stages its events once.
- `publish(session, *events)`: events a handler raises itself, where no entity records them.

When `work` returns, the unit of work collects the new events (each tracked aggregate's, emptied as
cosmicpython's `collect_new_events` does, and the published ones, in the order they were handed over) and
adds them to the outbox in the same transaction; a rollback stages nothing. A transaction MongoDB retries
after a conflict runs `work` again with a fresh collection, so an aborted attempt's events are never staged.
Events are tracked at write time, not when an aggregate is loaded: a loaded aggregate that changed but was
not saved must not announce a change nobody stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from pacer_shared.events import EventData
from pacer_shared.mongo import Database, Session
from pacer_shared.outbox import Outbox

T = TypeVar("T")


class RecordsEvents(Protocol):
    """An aggregate that records the events its changes raise, to be published when it is saved."""

    events: list[EventData]


class NewEvents:
    """What one attempt of a unit of work raised: tracked aggregates and events published directly, in order."""

    def __init__(self) -> None:
        self._sources: list[RecordsEvents | EventData] = []
        self._tracked: set[int] = set()

    def track(self, *aggregates: RecordsEvents) -> None:
        for aggregate in aggregates:
            if id(aggregate) not in self._tracked:
                self._tracked.add(id(aggregate))
                self._sources.append(aggregate)

    def publish(self, *events: EventData) -> None:
        self._sources.extend(events)

    def collect(self) -> list[EventData]:
        """Every new event once, in the order handed over; tracked aggregates are left with none."""
        collected: list[EventData] = []
        for source in self._sources:
            if isinstance(source, EventData):
                collected.append(source)
            else:
                collected.extend(source.events)
                source.events.clear()
        self._sources.clear()
        return collected


class UnitOfWork:
    """Runs a function in one MongoDB transaction (retrying transient conflicts), staging the events it raised."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        self._open: dict[Session, NewEvents] = {}

    async def run(self, work: Callable[[Session], Awaitable[T]]) -> T:
        async def attempt(session: Session) -> T:
            self._open[session] = raised = NewEvents()
            try:
                result = await work(session)
                await self.outbox.add(session, *raised.collect())
            finally:
                del self._open[session]
            return result

        async with self.db.client.start_session() as session:
            result = await session.with_transaction(attempt)
        self.outbox.committed.set()
        return result

    def track(self, session: Session, *aggregates: RecordsEvents) -> None:
        """Stage these aggregates' new events when the unit of work running in `session` commits."""
        self._raised_in(session).track(*aggregates)

    def publish(self, session: Session, *events: EventData) -> None:
        """Stage events no aggregate records when the unit of work running in `session` commits."""
        self._raised_in(session).publish(*events)

    def _raised_in(self, session: Session) -> NewEvents:
        try:
            return self._open[session]
        except KeyError:
            raise RuntimeError("events are published inside UnitOfWork.run, with the session it gives") from None
