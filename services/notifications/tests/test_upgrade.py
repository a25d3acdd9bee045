"""A database that an earlier version of the notifications service created is brought up to date at start-up."""

from __future__ import annotations

import pytest
from pymongo import ASCENDING

from pacer_notifications.adapters.repository import DELIVERIES
from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.mongo import create_client
from pacer_testkit.stack import Stack, in_process


async def test_the_index_deliveries_were_searched_by_before_routing_order_is_dropped(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in stack.service_env(namespace, "notifications").items():
        monkeypatch.setenv(key, value)
    client = create_client(stack.mongo_url, "upgrade-test")
    deliveries = client[f"{namespace}_notifications"][DELIVERIES]
    try:
        await deliveries.create_index([("status", ASCENDING), ("due_at", ASCENDING)], name="due")

        async with in_process(build(NotificationsSettings())) as http:
            assert (await http.get("/healthz")).status_code == 200
            indexes = await deliveries.index_information()

        assert "due" not in indexes, "every write would still pay for an index nothing reads"
        assert {"due_in_order", "by_recipient"} <= set(indexes)
    finally:
        await client.drop_database(deliveries.database.name)
        await client.close()
