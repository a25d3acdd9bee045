"""Waiting for a wake-up with a time limit, in a way that never hides a cancellation; polling for good."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import NoReturn

from pymongo.errors import PyMongoError

from pacer_shared.logs import get_logger

log = get_logger(__name__)


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


async def poll(step: Callable[[], Awaitable[object]], seconds: float, what: str) -> NoReturn:
    """Run `step` every `seconds` for as long as the service runs: a background worker's loop.

    A database that cannot be reached is logged and tried again next round, so a MongoDB election or restart pauses
    the worker instead of ending it.
    """
    while True:
        try:
            await step()
        except PyMongoError as error:
            log.warning(f"{what} cannot reach MongoDB; retrying", error=str(error))
        await asyncio.sleep(seconds)
