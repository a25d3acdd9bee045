"""Entrypoint of the analytics service: `python -m pacer_analytics.main` (or uvicorn `pacer_analytics.main:app`).

The FastAPI app owns the faust app: its lifespan builds it inside the running event loop, starts it beside the API
as one of the service's background loops and stops it when the service stops.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from fastapi import FastAPI

from pacer_analytics.adapters.mailings import Mailings
from pacer_analytics.api import (
    funnel,
    growth,
    movers,
    outcomes,
    peers,
    reports,
    series,
    training,
    warnings,
    workload,
)
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.report_mailing import mail_due_reports
from pacer_analytics.settings import AnalyticsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve
from pacer_shared.waiting import poll

DESCRIPTION = (
    "Activity trends from live sales events: per assistant and team, per day, week or month in each person's own "
    "time zone, kept in faust-streaming tables backed by changelog topics."
)


def background(analytics: Analytics) -> list[BackgroundLoop]:
    mailings = Mailings(analytics.runtime.db, timedelta(seconds=analytics.settings.report_lease_seconds))

    async def mail_reports() -> None:
        await poll(partial(mail_due_reports, analytics, mailings), analytics.settings.report_tick_seconds, "reports")

    return [analytics.run_streams, mail_reports]


def build(settings: AnalyticsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or AnalyticsSettings(),
            title="Pacer analytics",
            description=DESCRIPTION,
            routers=[
                series.router,
                growth.router,
                funnel.router,
                outcomes.router,
                movers.router,
                training.router,
                reports.router,
                workload.router,
                warnings.router,
                peers.router,
            ],
            context=Analytics.of,
            background=background,
            unready=Analytics.unready,
            clock=clock or SystemClock(),
            publishes=[topics.ANALYTICS_EVENTS],
            personal_state=lambda analytics: analytics.personal_state,
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, AnalyticsSettings())


if __name__ == "__main__":
    main()
