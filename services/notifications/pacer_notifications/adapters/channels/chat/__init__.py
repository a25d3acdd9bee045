"""Chat-robot adapters: Slack, Microsoft Teams (Workflows), WeCom, DingTalk, Feishu/Lark and Pacer's own webhook.

Each adapter turns a `ChatMessage` into the exact HTTP request its vendor documents (payload shape, Markdown
dialect, size limits, signature) and judges the vendor's answer: delivered, worth retrying, or failed for good.
Adapters do no I/O: the caller POSTs `ChatRequest.body` to `ChatRequest.url` with `ChatRequest.headers`, then
hands the status, headers and body it got back to `judge`, which never raises, whatever came back.
"""

from __future__ import annotations

from pacer_notifications.adapters.channels.chat.answers import retry_after_seconds
from pacer_notifications.adapters.channels.chat.dingtalk import DingTalkAdapter, dingtalk_sign
from pacer_notifications.adapters.channels.chat.feishu import FeishuAdapter, feishu_sign
from pacer_notifications.adapters.channels.chat.markdown import (
    dingtalk_markdown,
    lark_markdown,
    plain_text,
    slack_mrkdwn,
    teams_markdown,
    wecom_markdown,
)
from pacer_notifications.adapters.channels.chat.message import (
    ChatAdapter,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Mention,
    Outcome,
    truncate_bytes,
    truncate_chars,
)
from pacer_notifications.adapters.channels.chat.slack import SlackAdapter
from pacer_notifications.adapters.channels.chat.teams import TeamsAdapter
from pacer_notifications.adapters.channels.chat.webhook import WebhookAdapter, webhook_signature
from pacer_notifications.adapters.channels.chat.wecom import WeComAdapter
from pacer_notifications.domain.channels import CHATS, Channel

__all__ = [
    "ADAPTERS",
    "ChatAdapter",
    "ChatEndpoint",
    "ChatMessage",
    "ChatRequest",
    "DingTalkAdapter",
    "FeishuAdapter",
    "Mention",
    "Outcome",
    "SlackAdapter",
    "TeamsAdapter",
    "WeComAdapter",
    "WebhookAdapter",
    "dingtalk_markdown",
    "dingtalk_sign",
    "feishu_sign",
    "lark_markdown",
    "plain_text",
    "retry_after_seconds",
    "slack_mrkdwn",
    "teams_markdown",
    "truncate_bytes",
    "truncate_chars",
    "webhook_signature",
    "wecom_markdown",
]

ADAPTERS: dict[Channel, ChatAdapter] = {
    adapter.name: adapter
    for adapter in (
        SlackAdapter(),
        TeamsAdapter(),
        WeComAdapter(),
        DingTalkAdapter(),
        FeishuAdapter(),
        WebhookAdapter(),
    )
}
if unserved := sorted(set(CHATS) - set(ADAPTERS)):
    raise RuntimeError(f"no chat adapter for {', '.join(unserved)}")
