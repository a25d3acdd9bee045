"""Delivery history per person, an admin's retry of a failed one, and a test send checking a channel's configuration."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from pacer_notifications.adapters.channels import email
from pacer_notifications.adapters.channels.chat import ADAPTERS, ChatEndpoint, ChatMessage, Outcome
from pacer_notifications.api.deps import NotificationsDep
from pacer_notifications.api.models import DeliveryOut, DeliveryPage, TestSendIn
from pacer_notifications.domain.channels import Channel
from pacer_notifications.domain.delivery import Status
from pacer_notifications.service.retry import retry_delivery
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.problems import Forbidden, Unprocessable, responses

router = APIRouter(prefix="/v1", tags=["deliveries"], responses=RESPONSES)


@router.get("/deliveries", summary="A person's notifications, newest first, with status and attempts, a page at a time")
async def deliveries(
    notifications: NotificationsDep,
    principal: CurrentPrincipal,
    person_id: str,
    status: Annotated[
        list[Status] | None, Query(description="Only these statuses; `failed` and `dead` are the failed ones")
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeliveryPage:
    await _ensure_can_see(notifications, principal, person_id)
    after = decode_cursor(cursor) if cursor else None
    found = await notifications.repository.history(person_id, status or [], after, limit + 1)
    page = found[:limit]
    more = len(found) > limit
    return DeliveryPage(
        items=[DeliveryOut.of(d) for d in page],
        next_cursor=encode_cursor(page[-1]["created_at"], page[-1]["_id"]) if more else None,
    )


@router.post(
    "/deliveries/{notification_id}/retry",
    status_code=202,
    summary="Send a failed notification again on its channel (admins); the outcome joins its history",
    responses=responses(404, 409),
)
async def retry(
    notification_id: str,
    notifications: NotificationsDep,
    _: Annotated[Principal, Depends(require(Role.ADMIN))],
    audit: AuditDep,
) -> DeliveryOut:
    reopened = await retry_delivery(notifications, notification_id)
    await audit.record("notification.retried", f"notification/{notification_id}")
    return DeliveryOut.of(reopened)


async def _ensure_can_see(notifications: Any, principal: Principal, person_id: str) -> None:
    if principal.subject == person_id or principal.has(Role.HR, Role.ADMIN):
        return
    person = await notifications.runtime.people.get(person_id)
    if not (principal.has(Role.MANAGER) and person is not None and person.get("manager_id") == principal.subject):
        raise Forbidden("only the person, their manager, hr and admins see these notifications")


@router.post("/test-send", summary="Send a test message through a channel's configuration (admins)")
async def send_test_message(
    body: TestSendIn, notifications: NotificationsDep, _: Annotated[Principal, Depends(require(Role.ADMIN))]
) -> Outcome:
    title, text = "Pacer test message", "If you can read this, Pacer can reach you here."
    settings = notifications.settings
    if body.channel is Channel.EMAIL:
        if body.to is None:
            raise Unprocessable("to: an email test needs an address")
        key = f"test-send:{uuid.uuid4()}"  # every test send is a message of its own
        message = email.compose(settings.smtp_from, "", body.to, title, text, f"<p>{text}</p>", key)
        return await email.send(notifications.mail.config, message)
    endpoint = settings.endpoint(body.channel, team_id=body.team_id)
    if endpoint is None:
        raise Unprocessable(f"channel: no {body.channel} endpoint is configured")
    channel, url, secret = endpoint
    request = ADAPTERS[channel].build(
        ChatMessage(title=title, markdown=text, plain=text),
        ChatEndpoint(channel, url, secret),
        notifications.runtime.clock.now(),
    )
    response = await notifications.http.post(request.url, content=request.body, headers=request.headers)
    return ADAPTERS[channel].judge(response.status_code, response.headers, response.content)
