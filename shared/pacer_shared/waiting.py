"""Waiting for a wake-up with a time limit, in a way that never hides a cancellation."""

from __future__ import annotations

import asyncio
import contextlib


async def wake_or_timeout(wakeup: asyncio.Event, seconds: float) -> None:
    """Wait until `wakeup` is set or `seconds` pass, then clear it for the next wait.

    Background loops wait here between rounds. Not `asyncio.wait_for`: on Python 3.11, when the task is cancelled
    just as the event is set, it returns normally and the cancellation is lost (python/cpython#86296, fixed in 3.12
    by rewriting it on `asyncio.timeout`), so a `while True` loop around it never stops and neither does the
    service. `asyncio.timeout` tells its own timeout apart from a cancellation from outside.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, seconds)):
            await wakeup.wait()
    wakeup.clear()
