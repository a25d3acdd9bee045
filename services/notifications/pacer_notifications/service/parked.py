"""Events waiting for their people to reach the roster: routed again each round, dead-lettered once they waited
too long (`UNKNOWN_PERSON_WAIT_SECONDS`)."""

from __future__ import annotations

import functools
from typing import NoReturn

from pacer_notifications.service.context import Notifications
from pacer_notifications.service.dead_letters import dead_letter_event
from pacer_notifications.service.routing import route
from pacer_shared.events import CloudEvent
from pacer_shared.mongo import Session
from pacer_shared.waiting import poll

ROUND_SECONDS = 2.0
BATCH = 50


async def retry_parked(notifications: Notifications) -> None:
    """Route the oldest parked events now, or dead-letter those that waited as long as they may."""
    n = notifications
    now = n.runtime.clock.now()
    parked = await n.repository.parked_events(BATCH)
    if not parked:
        return
    envelopes = [CloudEvent.model_validate(document["event"]) for document in parked]
    waited_out = {document["_id"] for document in parked if document["expires_at"] <= now}

    async def work(session: Session) -> set[str]:
        waiting = await route(n, envelopes, session, waited_out)
        await n.repository.unpark([e.id for e in envelopes if e.id not in waiting], session)
        return waiting

    waiting = await n.runtime.uow.run(work)
    n.queue.committed()
    for document, envelope in zip(parked, envelopes, strict=True):
        if envelope.id in waiting and document["expires_at"] <= now:
            reason = str(document.get("reason", ""))
            await dead_letter_event(n, document["event"], envelope.subject or "", reason, "unknown-person", "delivery")
            await n.repository.forget_parked(envelope.id)


class ParkedEvents:
    def __init__(self, notifications: Notifications) -> None:
        self._n = notifications

    async def run(self) -> NoReturn:
        await poll(functools.partial(retry_parked, self._n), ROUND_SECONDS, "parked-event routing")
