"""What the goals service consumes: sales activities move goals, the roster moves assistants between teams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pacer_goals.service.context import Goals
from pacer_goals.service.progress import apply_sales_activity
from pacer_goals.service.roster import apply_roster
from pacer_shared import topics
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivity, SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.mongo import Session


def subscriptions(goals: Goals) -> list[Subscription[Any]]:
    async def on_sales(events: Sequence[Event[SalesActivity]], session: Session) -> None:
        await apply_sales_activity(goals, events, session)

    async def on_roster(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await apply_roster(goals, events, session)

    return [
        Subscription[SalesActivity](
            name="sales",
            topics=[topics.SALES_ACTIVITY],
            handle=on_sales,
            event_types=(SalesActivityRecorded, SalesActivityRetracted),
            keyed_writes=True,  # activities are stored once by activity_id; a duplicate moves nothing
        ),
        Subscription(
            name="team-membership",
            topics=[topics.ORG_PEOPLE],
            handle=on_roster,
            event_types=(PersonUpserted,),
        ),
    ]
