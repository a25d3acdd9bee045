"""Feishu / Lark (飞书) custom bots, signed, with an interactive card."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pacer_notifications.adapters.channels.chat.answers import RetryHint, judge_coded
from pacer_notifications.adapters.channels.chat.markdown import lark_markdown, plain_title
from pacer_notifications.adapters.channels.chat.message import (
    JSON_CONTENT_TYPE,
    OPEN_LABEL,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Outcome,
    dumps,
    fit,
    truncate_chars,
    utc,
)
from pacer_notifications.domain.channels import Channel


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu/Lark custom bot signature: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")).

    Feishu Open Platform, "自定义机器人使用指南" (Use custom bots in a group), signature verification: the string
    timestamp + "\\n" + secret is the HMAC *key* and the message is empty (the guide's Python/Go/Java samples
    all do this; it differs from DingTalk, where the secret is the key). Timestamp in seconds.
    """
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# Feishu "自定义机器人使用指南": body {"timestamp","sign","msg_type":"interactive","card":{...}}; the timestamp
# (seconds) must be within 1 hour; success {"code":0,"msg":"success","data":{},"StatusCode":0,...} (StatusCode
# and StatusMessage kept for older clients); code 19021 "sign match fail or timestamp is not within one hour";
# 19024 keywords not found; 9499 "Bad Request" for a malformed body, and 9499 "too many request" (with HTTP 400)
# when throttled; 11232 frequency limited (100 a minute, 5 a second per bot). The gateway's 429 carries
# x-ogw-ratelimit-reset. Request body ≤ 20 KB.
FEISHU_BODY_BYTES = 20_000
FEISHU_TITLE_CHARS = 200


def _feishu_retry(code: int, msg: str) -> RetryHint:
    if code == 11232:
        return True, None
    if code == 9499 and ("too many" in msg.lower() or "frequency" in msg.lower()):
        return True, None
    return False, None


class FeishuAdapter:
    """Feishu/Lark custom bot, interactive card, optionally signed."""

    name = Channel.FEISHU

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        signature: dict[str, str] = {}
        if endpoint.secret:
            timestamp = int(utc(now).timestamp())
            signature = {"timestamp": str(timestamp), "sign": feishu_sign(timestamp, endpoint.secret)}
        title = truncate_chars(plain_title(message), FEISHU_TITLE_CHARS)

        def render(markdown: str) -> bytes:
            elements: list[dict[str, Any]] = []
            text = lark_markdown(markdown).strip()
            if message.mention:  # card markdown mentions by open_id as <at id=...></at>
                text = f"<at id={message.mention.id}></at> {text}"
            if text:
                elements.append({"tag": "div", "text": {"tag": "lark_md", "content": text}})
            if message.facts:
                fields = [
                    {"is_short": True, "text": {"tag": "lark_md", "content": f"**{k}**\n{truncate_chars(v, 1000)}"}}
                    for k, v in message.facts
                ]
                elements.append({"tag": "div", "fields": fields})
            if message.link:
                button = {
                    "tag": "button",
                    "text": {"tag": "plain_text", "content": OPEN_LABEL},
                    "type": "primary",
                    "url": message.link,
                }
                elements.append({"tag": "action", "actions": [button]})
            card = {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
                "elements": elements,
            }
            return dumps({**signature, "msg_type": "interactive", "card": card})

        return ChatRequest(
            url=endpoint.url,
            headers={"Content-Type": JSON_CONTENT_TYPE},
            body=fit(render, message.markdown, FEISHU_BODY_BYTES),
        )

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return judge_coded(
            self.name,
            status,
            headers,
            body,
            code_keys=("code", "StatusCode"),
            msg_keys=("msg", "StatusMessage"),
            retry_hint=_feishu_retry,
            extra_delay_header="x-ogw-ratelimit-reset",
        )
