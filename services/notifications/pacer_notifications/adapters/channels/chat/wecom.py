"""WeCom (企业微信) group robots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pacer_notifications.adapters.channels.chat.answers import RetryHint, judge_coded
from pacer_notifications.adapters.channels.chat.markdown import defused, markup_title, wecom_markdown
from pacer_notifications.adapters.channels.chat.message import (
    OPEN_LABEL,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Outcome,
    fit,
    json_request,
    truncate_bytes,
)
from pacer_notifications.domain.channels import Channel

# WeCom "群机器人配置说明" (developer.work.weixin.qq.com/document/path/91770): POST to the webhook URL
# (…/cgi-bin/webhook/send?key=KEY); markdown.content ≤ 4096 bytes UTF-8 (errcode 40058 beyond); each robot ≤ 20
# messages a minute. Always HTTP 200 with {"errcode":0,"errmsg":"ok"}. Global error codes (path/90313): -1 system
# busy (retry), 45009 API call frequency exceeded; 93000 invalid webhook url.
WECOM_CONTENT_BYTES = 4096
WECOM_RATE_WINDOW_S = 60.0


def _wecom_retry(code: int, msg: str) -> RetryHint:
    if code == 45009:
        return True, WECOM_RATE_WINDOW_S
    if code == -1:
        return True, None
    return False, None


class WeComAdapter:
    """WeCom group robot, markdown message."""

    name = Channel.WECOM

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head = f"### {markup_title(message, defused)}"
        mention = f"<@{message.mention.id}>" if message.mention else ""  # markdown messages mention as <@userid>
        facts = "\n".join(f'> {k}: <font color="comment">{v}</font>' for k, v in message.facts)
        link = f"[{OPEN_LABEL}]({message.link})" if message.link else ""

        def render(markdown: str) -> bytes:
            parts = (head, mention, wecom_markdown(markdown).strip(), facts, link)
            return "\n\n".join(p for p in parts if p).encode()

        content = fit(render, message.markdown, WECOM_CONTENT_BYTES).decode("utf-8")
        content = truncate_bytes(content, WECOM_CONTENT_BYTES)  # a title or facts alone over the limit
        return json_request(endpoint.url, {"msgtype": "markdown", "markdown": {"content": content}})

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return judge_coded(
            self.name, status, headers, body, code_keys=("errcode",), msg_keys=("errmsg",), retry_hint=_wecom_retry
        )
