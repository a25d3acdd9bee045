"""The hand-off from routing to the delivery worker: deliveries due now, claimed by id instead of searched for.

Routing names what it creates inside its transaction (`routed`); only once that commits (`committed`, the
consumer's after-commit hook) may the worker see them, or it would claim deliveries that are not written yet.
Failovers the worker writes itself are already committed (`hand`). The worker takes ids (`take`) and sleeps in
`wait` until one of these wakes it or a poll interval passes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable

from pacer_shared.waiting import wake_or_timeout

CAPACITY = 10_000
"""Most deliveries waiting in the hand-off; beyond it the oldest are left to the worker's search for due ones."""


class DeliveryQueue:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._routing: dict[str, None] = {}
        """Due now, from routing transactions still in progress, in order and once each (a transaction retried
        after a conflict routes the same ids again). Parked events are routed beside the consumer, so one commit
        may hand over the other's ids early: their claim finds nothing yet, and the worker's search for due
        deliveries picks them up within a poll interval."""
        self._ready: deque[str] = deque(maxlen=capacity)
        self._wakeup = asyncio.Event()

    def routed(self, delivery_ids: Iterable[str]) -> None:
        """Routing created these deliveries, due now, in a transaction not yet committed."""
        self._routing.update(dict.fromkeys(delivery_ids))

    def committed(self) -> None:
        """The routing transaction committed: its deliveries are the worker's to claim."""
        self._ready.extend(self._routing)
        self._routing.clear()
        self.wake()

    def hand(self, delivery_ids: Iterable[str]) -> None:
        """Deliveries already committed (a failover to the next channel), due now."""
        self._ready.extend(delivery_ids)
        self.wake()

    def take(self, most: int) -> list[str]:
        return [self._ready.popleft() for _ in range(min(most, len(self._ready)))]

    def __bool__(self) -> bool:
        return bool(self._ready)

    def wake(self) -> None:
        """Something may be claimable now (handed over, or a sending slot came free)."""
        self._wakeup.set()

    async def wait(self, seconds: float) -> None:
        await wake_or_timeout(self._wakeup, seconds)
