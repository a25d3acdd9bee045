"""What the incentives service consumes: goal, review and feedback events for the ledger and badges; the roster."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pacer_incentives.service import inputs, promotions
from pacer_incentives.service import recognition as badges
from pacer_incentives.service.context import Incentives
from pacer_shared import topics
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Session


def subscriptions(incentives: Incentives) -> list[Subscription[Any]]:
    async def on_inputs(events: Sequence[Event[inputs.Input]], session: Session) -> None:
        logged = await inputs.record(incentives, events, session)
        await badges.on_events(incentives, logged, session)
        await promotions.on_events(incentives, logged, session)

    async def on_people(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await inputs.note_deactivations(incentives, events, session)

    return [
        Subscription[inputs.Input](
            name="ledger-inputs",
            topics=[topics.GOALS_EVENTS, topics.REVIEWS_EVENTS, topics.FEEDBACK_EVENTS],
            handle=on_inputs,
            event_types=inputs.INPUT_TYPES,
            opens=inputs.GOAL_TYPES,  # their titles name statements' lines; praise stays sealed in the log
        ),
        Subscription(
            name="deactivations",
            topics=[topics.ORG_PEOPLE],
            handle=on_people,
            event_types=(PersonUpserted,),
        ),
    ]
