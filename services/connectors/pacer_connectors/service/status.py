"""Each connection's status as an operator reads it: last sync, lag, errors and unmapped CRM users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pacer_connectors.service.context import Connectors
from pacer_shared.problems import NotFound


async def status_of(connectors: Connectors, connection_id: str) -> dict[str, Any]:
    sync = connectors.sync_of(connection_id)
    if sync is None:
        raise NotFound(f"no connection {connection_id!r}")
    connection = sync.connection
    doc = await connectors.repository.status(connection_id)
    now = connectors.runtime.clock.now()
    caught_up: datetime | None = doc.get("caught_up_at")
    cursors = await connectors.repository.cursors_of(connection_id)
    return {
        "id": connection_id,
        "crm": connection.crm,
        "objects": [rule.object for rule in connection.objects],
        "last_sync_at": doc.get("last_sync_at"),
        "caught_up_at": caught_up,
        "lag_seconds": None if caught_up is None else max((now - caught_up).total_seconds(), 0.0),
        # A sweep's place in the counted records (fxiaoke_sync.py) is no run under way.
        "backfilling": caught_up is None
        or any(c.get("page_token") for c in cursors if not str(c["_id"]).endswith(":swept")),
        "records_seen": doc.get("records_seen", 0),
        "activities_recorded": doc.get("activities_recorded", 0),
        "activities_retracted": doc.get("activities_retracted", 0),
        "errors": doc.get("errors", 0),
        "last_error": doc.get("last_error"),
        "last_error_at": doc.get("last_error_at"),
        "unmapped_users": dict(sorted((await connectors.repository.unmapped_users(connection_id)).items())),
        "last_unreadable": doc.get("last_unreadable") or [],
        "channel_expires_at": doc.get("channel_expires_at"),
    }
