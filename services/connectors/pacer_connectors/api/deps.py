"""FastAPI dependencies of the connectors API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_connectors.service.context import Connectors


def connectors_from(request: Request) -> Connectors:
    return request.app.state.context  # type: ignore[no-any-return]


ConnectorsDep = Annotated[Connectors, Depends(connectors_from)]
