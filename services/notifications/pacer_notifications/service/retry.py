"""An admin sends a failed notification again: the delivery worker takes it as it takes any due delivery."""

from __future__ import annotations

from pacer_notifications.domain.delivery import RetryRefused, Status, why_not_retry
from pacer_notifications.service.context import Notifications
from pacer_shared.mongo import Document
from pacer_shared.problems import Conflict, NotFound


async def retry_delivery(notifications: Notifications, delivery_id: str) -> Document:
    """Make the failed delivery due now, on its own channel; its attempt and outcome join its history.

    The worker sends it under the dispatcher's rules (a claim per send, one more attempt recorded, the events
    that announce the outcome), so a retry can never go out twice, nor beside a send already under way.
    """
    repository = notifications.repository
    delivery = await repository.get(delivery_id)
    if delivery is None:
        raise NotFound(f"notification {delivery_id!r} does not exist")
    others = {d["channel"]: Status(d["status"]) for d in await repository.same_message(delivery)}
    reason = why_not_retry(Status(delivery["status"]), others)
    if reason is None and not await repository.reopen(delivery_id, notifications.runtime.clock.now()):
        reason = RetryRefused("changed_meanwhile", "this notification was retried or changed meanwhile")
    if reason is not None:
        raise Conflict(reason.reason, code=reason.code, ctx=reason.ctx)
    notifications.queue.hand([delivery_id])
    reopened = await repository.get(delivery_id)
    if reopened is None:  # erased meanwhile, with the person
        raise NotFound(f"notification {delivery_id!r} does not exist")
    return reopened
