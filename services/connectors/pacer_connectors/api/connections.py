"""Connection status for operators (hr, admin) and the CRMs' change callbacks."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Body, Depends, Request, Response

from pacer_connectors.adapters.salesforce import ACK, MessageUnreadable, SalesforceError, parse_outbound
from pacer_connectors.api.deps import ConnectorsDep
from pacer_connectors.api.models import CallbackAccepted, ConnectionList, ConnectionStatus
from pacer_connectors.service import metrics
from pacer_connectors.service.status import status_of
from pacer_connectors.service.zoho_sync import CallbackRefused
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.problems import Forbidden, NotFound, Problem, responses

router = APIRouter(prefix="/v1/connections", tags=["connections"])
Operator = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]


@router.get("", summary="Every connection's sync status", response_model=ConnectionList, responses=RESPONSES)
async def list_connections(connectors: ConnectorsDep, _: Operator) -> dict[str, Any]:
    return {"items": [await status_of(connectors, i) for i in connectors.connection_ids]}


@router.get(
    "/{connection_id}",
    summary="One connection's sync status: last sync, lag, errors, unmapped users",
    response_model=ConnectionStatus,
    responses={**RESPONSES, **responses(404)},
)
async def get_connection(connection_id: str, connectors: ConnectorsDep, _: Operator) -> dict[str, Any]:
    return await status_of(connectors, connection_id)


@router.post(
    "/{connection_id}/zoho/notify",
    summary="Zoho CRM's notification callback (authenticated by the channel's token in the body, not a JWT)",
    response_model=CallbackAccepted,
    responses=responses(403, 404),
)
async def zoho_notify(
    connection_id: str, connectors: ConnectorsDep, body: Annotated[dict[str, Any], Body()]
) -> CallbackAccepted:
    connector = connectors.zoho.get(connection_id)
    if connector is None:
        raise NotFound(f"no Zoho connection {connection_id!r}")
    try:
        changes = await connector.notified(body)
    except CallbackRefused as refused:
        metrics.ERRORS.labels(connection_id, "callback_refused").inc()
        raise Forbidden(str(refused)) from None
    return CallbackAccepted(changes=changes)


class CrmUnavailable(Problem):
    """The CRM failed while the records a push names were read: not acknowledged, so the CRM delivers it again."""

    status = 503
    title = "Service unavailable"


MAX_MESSAGE_BYTES = 1_000_000
"""An Outbound Message holds at most 100 notifications of a few fields each: far below this."""


@router.post(
    "/{connection_id}/salesforce/outbound",
    summary="Salesforce's Outbound Messages (SOAP; authenticated by the org id in the message, not a JWT)",
    description="Answers `<Ack>true</Ack>` once the records the message names are applied; a redelivered "
    "Notification/Id is acknowledged without reading them again.",
    responses={
        200: {"description": "The SOAP acknowledgement", "content": {"text/xml": {"schema": {"type": "string"}}}},
        **responses(400, 403, 404, 503),
    },
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/xml": {"schema": {"type": "string", "description": "a SOAP `notifications` envelope"}}},
        }
    },
)
async def salesforce_outbound(connection_id: str, connectors: ConnectorsDep, request: Request) -> Response:
    connector = connectors.salesforce.get(connection_id)
    if connector is None:
        raise NotFound(f"no Salesforce connection {connection_id!r}")
    body = await request.body()
    if len(body) > MAX_MESSAGE_BYTES:
        raise Problem(f"an Outbound Message is at most {MAX_MESSAGE_BYTES} bytes")
    try:
        message = parse_outbound(body)
    except MessageUnreadable as unreadable:
        metrics.ERRORS.labels(connection_id, "callback_refused").inc()
        raise Problem(str(unreadable)) from None
    try:
        await connector.outbound(message)
    except CallbackRefused as refused:
        metrics.ERRORS.labels(connection_id, "callback_refused").inc()
        raise Forbidden(str(refused)) from None
    except (SalesforceError, httpx.HTTPError) as failed:
        # Salesforce retries an unacknowledged message (for 24 hours), and the next pass reads the records anyway.
        metrics.ERRORS.labels(connection_id, "callback_failed").inc()
        raise CrmUnavailable(f"Salesforce failed while the message's records were read: {failed}") from None
    return Response(ACK, media_type="text/xml")
