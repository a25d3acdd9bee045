"""A connection's sync loop, whatever its CRM: a pass, then a wait of `poll_seconds` (or RETRY_SECONDS after a
failure), shorter when the connector says something is due sooner (a Zoho channel to renew); the outcome of each
pass in the connection's status and metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from pacer_connectors.service import metrics
from pacer_connectors.service.sync import Sync
from pacer_shared.logs import get_logger
from pacer_shared.waiting import wake_or_timeout

log = get_logger(__name__)


async def sync_forever(
    sync: Sync,
    one_pass: Callable[[], Awaitable[None]],
    expected: tuple[type[Exception], ...],
    retry_seconds: float,
    wake: asyncio.Event,
    due: Callable[[], float | None] = lambda: None,
) -> None:
    """`due`: after a clean pass, the seconds until the next must run whatever `poll_seconds` says (None: no such)."""
    connection = sync.connection
    if sync.roster_read is not None:
        await sync.roster_read.wait()
    # The stopped-syncing alert measures from the last clean pass, or from now for a connection that has never had
    # one: so one that never syncs also alerts, and a restart does not hide how long ago the last pass was.
    last = (await sync.repository.status(connection.id)).get("caught_up_at")
    metrics.CAUGHT_UP.labels(connection.id).set((last or sync.runtime.clock.now()).timestamp())
    while True:
        try:
            await one_pass()
            now = sync.runtime.clock.now()
            await sync.repository.note_caught_up(connection.id, now)
            metrics.CAUGHT_UP.labels(connection.id).set(now.timestamp())
            sooner = due()
            wait = connection.poll_seconds if sooner is None else min(connection.poll_seconds, sooner)
        except expected as error:  # the CRM refused or failed: its answer says why
            log.warning("sync failed; retrying", connection=connection.id, error=str(error))
            await _failed(sync, str(error))
            wait = retry_seconds
        except Exception as error:  # MongoDB away, a bug on one record: keep the connection's loop alive
            log.error("sync failed; retrying", connection=connection.id, error=repr(error), exc_info=error)
            await _failed(sync, repr(error))
            wait = retry_seconds
        wake.clear()
        await wake_or_timeout(wake, wait)


async def _failed(sync: Sync, error: str) -> None:
    metrics.ERRORS.labels(sync.connection.id, "sync").inc()
    with contextlib.suppress(Exception):
        await sync.repository.note_error(sync.connection.id, error, sync.runtime.clock.now())
