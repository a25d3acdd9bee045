"""Pacer's own signed webhook, for any system that takes JSON."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from pacer_notifications.adapters.channels import user_text
from pacer_notifications.adapters.channels.chat.answers import judge_status
from pacer_notifications.adapters.channels.chat.message import (
    JSON_CONTENT_TYPE,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Outcome,
    dumps,
    utc,
)
from pacer_notifications.domain.channels import Channel


def webhook_signature(timestamp_s: int, body: bytes, secret: str) -> str:
    """Pacer's webhook signature (Stripe-style): "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}." + body)."""
    mac = hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


WEBHOOK_TIMESTAMP_HEADER = "X-Pacer-Timestamp"
WEBHOOK_SIGNATURE_HEADER = "X-Pacer-Signature"
WEBHOOK_TOLERANCE_S = 300


class WebhookAdapter:
    """Pacer's generic webhook: JSON body, `X-Pacer-Timestamp` and a Stripe-style `X-Pacer-Signature`.

    The signature covers the timestamp and the exact body bytes, so receivers can refuse replays older than
    five minutes ("Check the webhook signatures", Stripe docs, is the model).
    """

    name = Channel.WEBHOOK

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        payload = {
            "event_type": message.event_type,
            "title": user_text.plain(message.title),
            "text": user_text.plain(message.plain),
            "recipient_id": message.recipient_id,
            "mention": {"id": message.mention.id, "name": message.mention.name} if message.mention else None,
            "notification_id": message.notification_id,
            "link": message.link,
            "facts": [{"name": k, "value": v} for k, v in message.facts],
        }
        body = dumps(payload)
        timestamp = int(utc(now).timestamp())
        headers = {"Content-Type": JSON_CONTENT_TYPE, WEBHOOK_TIMESTAMP_HEADER: str(timestamp)}
        if endpoint.secret:
            headers[WEBHOOK_SIGNATURE_HEADER] = webhook_signature(timestamp, body, endpoint.secret)
        return ChatRequest(url=endpoint.url, headers=headers, body=body)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = judge_status(self.name, status, headers, body)
        return by_status or Outcome(True, False, f"webhook: HTTP {status}")
