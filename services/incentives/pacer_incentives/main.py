"""Entrypoint of the incentives service: `python -m pacer_incentives.main` (or uvicorn `pacer_incentives.main:app`)."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_incentives.adapters.personal_data import PERSONAL_DATA
from pacer_incentives.adapters.repository import INDEXES
from pacer_incentives.api import acting_leads, bonus, recognition
from pacer_incentives.consumers import subscriptions
from pacer_incentives.service.context import Incentives
from pacer_incentives.service.ledger import LedgerWorker
from pacer_incentives.service.recognition import MonthlyBadges
from pacer_incentives.settings import IncentivesSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Bonus ledger computed from events, recognition, leaderboards and promotion recommendations."


def background(incentives: Incentives) -> list[BackgroundLoop]:
    return [LedgerWorker(incentives).run, MonthlyBadges(incentives).run]


def build(settings: IncentivesSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or IncentivesSettings(),
            title="Pacer incentives",
            description=DESCRIPTION,
            routers=[bonus.router, recognition.router, acting_leads.router],
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
