"""A running reviews service with the roster, and helpers that publish what goals and feedback would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from pacer_shared.auth import Role
from pacer_shared.events import EventData
from pacer_testkit.platform import REVIEW_TEMPLATE as TEMPLATE
from pacer_testkit.world import RunningService, ServiceWorld


class ReviewsWorld(ServiceWorld):
    async def publish_at(self, moment: datetime, *events: EventData) -> list[str]:
        """Publish as if the producer had sent the events at `moment` (their envelope time); returns their ids."""
        return [envelope.id for envelope in await self.publish(*((event, moment) for event in events))]


async def with_template(reviews: ServiceWorld) -> None:
    """The template the suite's cycles are opened on, as hr makes it."""
    created = await reviews.call("POST", "/v1/templates", "hana", Role.HR, TEMPLATE)
    assert created.status_code == 201, created.text


@pytest.fixture
async def world(running_service: RunningService) -> AsyncIterator[ReviewsWorld]:
    async with running_service(
        "pacer_reviews.main", world=ReviewsWorld, PACER_REVIEWS_SCHEDULER_POLL_SECONDS="0.3"
    ) as reviews:
        await with_template(reviews)
        yield reviews
