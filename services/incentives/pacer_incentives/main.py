"""Entrypoint of the incentives service: `python -m pacer_incentives.main` (or uvicorn `pacer_incentives.main:app`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from pacer_incentives.adapters.personal_data import PERSONAL_DATA
from pacer_incentives.api import bonus, recognition
from pacer_incentives.service import inputs, promotions
from pacer_incentives.service import recognition as badges
from pacer_incentives.service.context import INDEXES, Incentives
from pacer_incentives.service.ledger import LedgerWorker
from pacer_incentives.service.recognition import MonthlyBadges
from pacer_incentives.settings import IncentivesSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Session
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Bonus ledger computed from events, recognition, leaderboards and promotion recommendations."


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
        ),
        Subscription(
            name="deactivations",
            topics=[topics.ORG_PEOPLE],
            handle=on_people,
            event_types=(PersonUpserted,),
        ),
    ]


def background(incentives: Incentives) -> list[BackgroundLoop]:
    return [LedgerWorker(incentives).run, MonthlyBadges(incentives).run]


def build(settings: IncentivesSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or IncentivesSettings(),
            title="Pacer incentives",
            description=DESCRIPTION,
            routers=[bonus.router, recognition.router],
            indexes=INDEXES,
            personal_data=PERSONAL_DATA,
            publishes=[topics.INCENTIVES_EVENTS],
            context=Incentives.of,
            subscriptions=subscriptions,
            background=background,
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, IncentivesSettings())


if __name__ == "__main__":
    main()
