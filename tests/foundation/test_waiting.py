"""A background loop that waits for its wake-up between rounds stops when cancelled, wherever the cancellation
lands: the notifications service once hung at shutdown because its delivery loop swallowed one."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.errors import AutoReconnect

from pacer_shared.waiting import poll, wake_or_timeout

STEPS = 12
"""Event-loop steps to let pass before cancelling: covers waking up, the wait's own bookkeeping and the next round."""


async def _loop_that_wakes_itself(wakeup: asyncio.Event, rounds: list[int]) -> None:
    while True:
        rounds.append(1)
        await asyncio.sleep(0)  # a round's work (the delivery worker's reads and writes)
        wakeup.set()  # as the delivery worker does when its own housekeeping routed events
        await wake_or_timeout(wakeup, 5.0)


@pytest.mark.parametrize("steps", range(STEPS))
async def test_a_loop_cancelled_as_its_wakeup_arrives_stops(steps: int) -> None:
    rounds: list[int] = []
    task = asyncio.create_task(_loop_that_wakes_itself(asyncio.Event(), rounds))
    for _ in range(steps):
        await asyncio.sleep(0)
    task.cancel()

    done, _ = await asyncio.wait([task], timeout=5.0)

    assert done, f"the loop went on after being cancelled (rounds so far: {len(rounds)})"
    assert task.cancelled()


async def test_the_wait_ends_when_woken_and_is_ready_for_the_next_wakeup() -> None:
    wakeup = asyncio.Event()
    asyncio.get_running_loop().call_soon(wakeup.set)

    async with asyncio.timeout(5.0):
        await wake_or_timeout(wakeup, 60.0)

    assert not wakeup.is_set()


async def test_the_wait_ends_after_its_time_without_a_wakeup() -> None:
    wakeup = asyncio.Event()
    loop = asyncio.get_running_loop()
    began = loop.time()

    await wake_or_timeout(wakeup, 0.05)

    assert loop.time() - began >= 0.05
    assert not wakeup.is_set()


async def test_a_polling_worker_goes_on_after_the_database_cannot_be_reached() -> None:
    rounds: list[str] = []
    done = asyncio.Event()

    async def step() -> None:
        rounds.append("round")
        if len(rounds) == 1:
            raise AutoReconnect("connection pool paused")
        done.set()

    worker = asyncio.create_task(poll(step, 0.0, "test worker"))
    try:
        async with asyncio.timeout(10):
            await done.wait()
    finally:
        worker.cancel()
    assert len(rounds) >= 2  # the round after the failure ran
