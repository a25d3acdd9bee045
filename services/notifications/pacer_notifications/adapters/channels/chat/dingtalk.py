"""DingTalk (钉钉) custom robots, signed ("加签")."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote_plus, urlsplit, urlunsplit

from pacer_notifications.adapters.channels.chat.answers import RetryHint, judge_coded
from pacer_notifications.adapters.channels.chat.markdown import defused, dingtalk_markdown, markup_title, plain_title
from pacer_notifications.adapters.channels.chat.message import (
    OPEN_LABEL,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Outcome,
    fit,
    json_request,
    truncate_bytes,
    truncate_chars,
    utc,
)
from pacer_notifications.domain.channels import Channel


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk "加签": base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), before URL-encoding.

    DingTalk Open Platform, "自定义机器人安全设置" (custom robot security settings): timestamp in milliseconds,
    string_to_sign = timestamp + "\\n" + secret, HmacSHA256 keyed with the secret, Base64, then urlEncode.
    """
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def with_query(url: str, extra: str) -> str:
    """`url` with `extra` (already encoded `k=v&k=v`) appended to its query string."""
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


# DingTalk "自定义机器人发送群消息" / "自定义机器人安全设置" (open.dingtalk.com/document/orgapp/...): markdown message
# {"msgtype":"markdown","markdown":{"title","text"},"at":{...}}; "加签" appends &timestamp=<ms>&sign=<urlencoded>;
# the timestamp must be within 1 hour of DingTalk's clock. Each robot ≤ 20 messages a minute, beyond that it is
# throttled for 10 minutes: errcode 130101 "send too fast, exceed 20 times per minute". 310000: sign, keyword or
# IP check failed. No markdown size limit is stated that we could confirm: 20,000 bytes is our own cap.
DINGTALK_TEXT_BYTES = 20_000
DINGTALK_TITLE_CHARS = 100
DINGTALK_THROTTLE_S = 600.0


def _dingtalk_retry(code: int, msg: str) -> RetryHint:
    return (True, DINGTALK_THROTTLE_S) if code == 130101 else (False, None)


class DingTalkAdapter:
    """DingTalk custom robot, markdown message, optionally signed ("加签")."""

    name = Channel.DINGTALK

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head = f"### {markup_title(message, defused)}"
        # The user id goes in `at.atUserIds` and, as @id, in the text, where the mention is shown.
        mention = f"@{message.mention.id}" if message.mention else ""
        facts = "\n".join(f"- **{k}**: {v}" for k, v in message.facts)
        link = f"[{OPEN_LABEL}]({message.link})" if message.link else ""

        def render(markdown: str) -> bytes:
            parts = (head, mention, dingtalk_markdown(markdown).strip(), facts, link)
            return "\n\n".join(p for p in parts if p).encode()

        text = truncate_bytes(fit(render, message.markdown, DINGTALK_TEXT_BYTES).decode("utf-8"), DINGTALK_TEXT_BYTES)
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": truncate_chars(plain_title(message), DINGTALK_TITLE_CHARS), "text": text},
            "at": {"atMobiles": [], "atUserIds": [message.mention.id] if message.mention else [], "isAtAll": False},
        }
        url = endpoint.url
        if endpoint.secret:
            timestamp = int(utc(now).timestamp() * 1000)
            sign = quote_plus(dingtalk_sign(timestamp, endpoint.secret))
            url = with_query(url, f"timestamp={timestamp}&sign={sign}")
        return json_request(url, payload)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return judge_coded(
            self.name, status, headers, body, code_keys=("errcode",), msg_keys=("errmsg",), retry_hint=_dingtalk_retry
        )
