"""Slack incoming webhooks with Block Kit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pacer_notifications.adapters.channels import user_text
from pacer_notifications.adapters.channels.chat.answers import garbage, judge_status
from pacer_notifications.adapters.channels.chat.markdown import escape_slack, plain_title, slack_mrkdwn
from pacer_notifications.adapters.channels.chat.message import (
    ELLIPSIS,
    OPEN_LABEL,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Outcome,
    json_request,
    truncate_chars,
)
from pacer_notifications.domain.channels import Channel

# Slack Block Kit reference: header text ≤ 150 chars; section text ≤ 3000; section fields ≤ 10 items of ≤ 2000;
# ≤ 50 blocks a message. chat.postMessage "Truncating content": keep `text` ≤ 4000 characters.
SLACK_HEADER_CHARS = 150
SLACK_SECTION_CHARS = 3000
SLACK_FIELD_CHARS = 2000
SLACK_FIELDS = 10
SLACK_BLOCKS = 50
SLACK_TEXT_CHARS = 4000
SLACK_FACT_BLOCKS = 4  # at most 40 facts: the rest of the 50 blocks is for the text


def _chunks(text: str, limit: int) -> list[str]:
    """`text` split into pieces of at most `limit` characters, at a newline or a space where there is one."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    if text.strip():
        pieces.append(text)
    return [p for p in pieces if p.strip()]


class SlackAdapter:
    """Slack incoming webhook with Block Kit ("Sending messages using incoming webhooks", docs.slack.dev).

    Answers: 200 `ok`; 400 `invalid_payload`/`invalid_blocks`/`no_text`; 403 `action_prohibited`/`invalid_token`;
    404 `channel_not_found`/`no_service`; 410 `channel_is_archived`; 429 with Retry-After; 500 `rollup_error`
    ("Improving error conditions for Incoming Webhooks", Slack changelog 2016-05-17; "Rate limits").
    """

    name = Channel.SLACK

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head: list[dict[str, Any]] = []
        title = plain_title(message)
        if title:
            header = truncate_chars(title, SLACK_HEADER_CHARS)
            head.append({"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}})
        facts: list[dict[str, Any]] = []
        for start in range(0, min(len(message.facts), SLACK_FIELDS * SLACK_FACT_BLOCKS), SLACK_FIELDS):
            fields = [
                {
                    "type": "mrkdwn",
                    "text": truncate_chars(f"*{escape_slack(k)}*\n{escape_slack(v)}", SLACK_FIELD_CHARS),
                }
                for k, v in message.facts[start : start + SLACK_FIELDS]
            ]
            facts.append({"type": "section", "fields": fields})
        tail: list[dict[str, Any]] = []
        if message.link:
            link = f"<{escape_slack(message.link)}|{OPEN_LABEL}>"
            tail.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
        room = SLACK_BLOCKS - len(head) - len(facts) - len(tail)
        # "Formatting text for app surfaces", docs.slack.dev: a user is mentioned as <@MEMBER_ID>.
        mention = f"<@{message.mention.id}> " if message.mention else ""
        chunks = _chunks(mention + slack_mrkdwn(message.markdown), SLACK_SECTION_CHARS)
        if len(chunks) > room:
            chunks = [*chunks[: room - 1], truncate_chars(chunks[room - 1], SLACK_SECTION_CHARS - 1) + ELLIPSIS]
        sections = [
            {"type": "section", "text": {"type": "mrkdwn", "text": chunk, "verbatim": True}} for chunk in chunks
        ]
        fallback = user_text.plain(message.plain).strip() or title
        blocks = [*head, *sections, *facts, *tail]
        payload = {"text": truncate_chars(mention + escape_slack(fallback), SLACK_TEXT_CHARS), "blocks": blocks}
        return json_request(endpoint.url, payload)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = judge_status(self.name, status, headers, body)
        if by_status is not None:
            return by_status
        if body.strip() == b"ok":
            return Outcome(True, False, "slack: ok")
        return garbage(self.name, status, body)
