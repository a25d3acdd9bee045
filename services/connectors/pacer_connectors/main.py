"""Entrypoint of the connectors service: `python -m pacer_connectors.main` (or uvicorn `pacer_connectors.main:app`)."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_connectors.adapters import repository, scim_repository
from pacer_connectors.adapters.personal_data import PERSONAL_DATA
from pacer_connectors.api import connections, scim
from pacer_connectors.service.connections import load
from pacer_connectors.service.context import Connectors
from pacer_connectors.settings import ConnectorsSettings
from pacer_shared import topics
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = (
    "Learns of changes in a company's CRM (Zoho CRM, Fxiaoke, Salesforce) and publishes them as sales activities; "
    "takes the roster from an identity provider over SCIM 2.0 (`/scim/v2`, its own bearer token)."
)


def background(connectors: Connectors) -> list[BackgroundLoop]:
    return [connector.run for connector in connectors.loops()]  # one loop per connection


def build(settings: ConnectorsSettings | None = None) -> FastAPI:
    settings = settings or ConnectorsSettings()
    configured = load(settings.connections_dir)  # a wrong file stops the service here, naming what is wrong
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Pacer connectors",
            description=DESCRIPTION,
            routers=[connections.router, scim.router],
            indexes={**repository.INDEXES, **scim_repository.INDEXES},
            personal_data=PERSONAL_DATA,
            publishes=[topics.SALES_ACTIVITY, topics.ORG_PEOPLE],
            context=lambda runtime: Connectors.of(runtime, configured),
            background=background,
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, ConnectorsSettings())


if __name__ == "__main__":
    main()
