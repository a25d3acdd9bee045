"""Delivery history per person, and a test send for admins checking a channel's configuration."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from pacer_notifications.adapters.channels import email
from pacer_notifications.adapters.channels.chat import ADAPTERS, ChatEndpoint, ChatMessage, Outcome
from pacer_notifications.api.deps import NotificationsDep
from pacer_notifications.api.models import AttemptOut, DeliveryOut, TestSendIn
from pacer_notifications.domain.channels import Channel
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.problems import Forbidden, Unprocessable

router = APIRouter(prefix="/v1", tags=["deliveries"], responses=RESPONSES)


@router.get("/deliveries", summary="A person's notifications, newest first, with status and attempts")
async def deliveries(
    notifications: NotificationsDep,
    principal: CurrentPrincipal,
    person_id: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    await _ensure_can_see(notifications, principal, person_id)
    return [
        DeliveryOut(
            notification_id=d["_id"],
            event_id=d["event_id"],
            event_type=d["event_type"],
            channel=d["channel"],
            status=d["status"],
            due_at=d["due_at"],
            deferred=d.get("deferred"),
            attempts=[AttemptOut(**a) for a in d.get("attempts", [])],
            last_error=d.get("last_error"),
        )
        for d in await notifications.repository.history(person_id, limit)
    ]


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
