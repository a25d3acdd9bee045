"""A delivery's way from pending to sent, retried, failed over or dead, and the events it records (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pacer_notifications.domain.delivery import Delivery, RetryPolicy, RetryRefused, Status, why_not_retry
from pacer_notifications.domain.outcome import Outcome
from pacer_shared.events.notifications import NotificationDelivered, NotificationFailed

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(attempts_per_channel=2, backoff_base_seconds=1.0, backoff_max_seconds=60.0)
BUSY = Outcome(delivered=False, retryable=True, reason="HTTP 503", retry_after=30.0)
REFUSED = Outcome(delivered=False, retryable=False, reason="sign not match")
SENT = Outcome(delivered=True, retryable=False, reason="ok")


def delivery(channel: str = "dingtalk", fallbacks: tuple[str, ...] = ("email",)) -> Delivery:
    message = {
        "event_id": "e-1",
        "event_type": "GoalMissed",
        "recipient_key": "person:mia",
        "recipient_id": "mia",
        "event": {"time": NOW.isoformat()},
        "template": "goal_missed",
    }
    return Delivery(
        id=f"e-1:person:mia:{channel}",
        channel=channel,
        fallbacks=list(fallbacks),
        status=Status.SENDING,
        due_at=NOW,
        message=message,
    )


def test_a_busy_channel_is_tried_again_no_sooner_than_it_asked() -> None:
    waiting = delivery()
    delay = waiting.next_try_in(BUSY, POLICY)
    assert delay is not None
    assert delay >= 30.0
    waiting.retry(BUSY, NOW, timedelta(seconds=delay))
    assert waiting.status is Status.PENDING
    assert waiting.due_at == NOW + timedelta(seconds=delay)
    assert [a.reason for a in waiting.attempts] == ["HTTP 503"]
    assert waiting.events == [], "a retry announces nothing yet"


def test_the_last_try_on_a_channel_fails_over_to_the_next_with_the_same_message() -> None:
    failing = delivery()
    failing.retry(BUSY, NOW, timedelta(seconds=1))
    assert failing.next_try_in(BUSY, POLICY) is None, "two tries per channel"
    nxt = failing.finish(BUSY, NOW)
    assert failing.status is Status.FAILED
    assert failing.events == []
    assert nxt is not None
    assert (nxt.id, nxt.channel, nxt.fallbacks, nxt.status) == ("e-1:person:mia:email", "email", [], Status.PENDING)
    assert nxt.message["failed_over_from"] == "dingtalk"
    assert nxt.message["template"] == "goal_missed"


def test_a_refusal_on_the_last_channel_is_dead_and_announced_as_failed() -> None:
    last = delivery("email", fallbacks=())
    assert last.next_try_in(REFUSED, POLICY) is None, "a permanent error is not retried"
    assert last.finish(REFUSED, NOW) is None
    assert last.status is Status.DEAD
    [failed] = last.events
    assert isinstance(failed, NotificationFailed)
    assert (failed.channel, failed.error, failed.attempts) == ("email", "sign not match", 1)


def test_a_message_that_cannot_be_rendered_is_not_tried_on_other_channels() -> None:
    broken = delivery()
    assert broken.finish(REFUSED, NOW, last_channel=True) is None
    assert broken.status is Status.DEAD


def test_a_sent_message_is_announced_once_with_its_attempts() -> None:
    sent = delivery()
    sent.retry(BUSY, NOW, timedelta(seconds=1))
    assert sent.next_try_in(SENT, POLICY) is None
    assert sent.finish(SENT, NOW) is None
    assert sent.status is Status.DELIVERED
    assert sent.last_error is None
    [delivered] = sent.events
    assert isinstance(delivered, NotificationDelivered)
    assert (delivered.notification_id, delivered.attempts, delivered.cause_event_id) == (sent.id, 2, "e-1")


def test_only_a_failed_message_not_delivered_elsewhere_may_be_sent_again() -> None:
    assert why_not_retry(Status.DEAD, {}) is None
    assert why_not_retry(Status.FAILED, {"email": Status.DEAD}) is None
    assert why_not_retry(Status.DELIVERED, {}) == RetryRefused(
        "delivery_delivered", "this notification was already delivered"
    )
    assert why_not_retry(Status.SENDING, {}) == RetryRefused(
        "delivery_sending", "this notification is still being sent"
    )
    by_email = why_not_retry(Status.FAILED, {"email": Status.DELIVERED})
    assert by_email == RetryRefused("message_delivered", "this message was already delivered by email", "email")
    assert by_email.ctx == {"channel": "email"}
    by_feishu = why_not_retry(Status.DEAD, {"feishu": Status.PENDING})
    assert by_feishu == RetryRefused("message_sending", "this message is still being sent by feishu", "feishu")
