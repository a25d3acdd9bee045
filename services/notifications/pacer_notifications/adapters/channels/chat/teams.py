"""Microsoft Teams through a Workflows webhook, with an Adaptive Card."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pacer_notifications.adapters.channels.chat.answers import (
    garbage,
    json_object,
    judge_status,
    looks_like_html,
    snippet,
)
from pacer_notifications.adapters.channels.chat.markdown import defused, markup_title, teams_markdown
from pacer_notifications.adapters.channels.chat.message import (
    JSON_CONTENT_TYPE,
    OPEN_LABEL,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Mention,
    Outcome,
    dumps,
    fit,
    truncate_chars,
)
from pacer_notifications.domain.channels import Channel

# "Create incoming webhooks with Workflows for Microsoft Teams" / "Microsoft Teams - Webhook" trigger: the body is
# a message with Adaptive Card attachments; the Workflows trigger answers 202 Accepted (Logic Apps "Request"
# trigger without a Response action). Message size limit 28 KB; throttled callers get 429 ("Create an Incoming
# Webhook", Microsoft Learn).
TEAMS_BODY_BYTES = 28 * 1024
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def _teams_at(mention: Mention) -> str:
    """The <at> tag for a mention; angle brackets in a display name would end the tag early, so they are dropped
    (the entity's `text` must repeat the tag exactly, and the tag is not HTML: entities are not decoded)."""
    return "<at>" + mention.name.replace("<", "").replace(">", "") + "</at>"


def _teams_mention(mention: Mention | None) -> dict[str, Any]:
    """ "Mention support within Adaptive Cards" (Microsoft Learn): the text carries <at>name</at>, and an entity
    names who that is, by Entra object id or user principal name."""
    if mention is None:
        return {}
    entity = {"type": "mention", "text": _teams_at(mention), "mentioned": {"id": mention.id, "name": mention.name}}
    return {"entities": [entity]}


class TeamsAdapter:
    """Microsoft Teams Workflows (Power Automate) webhook posting an Adaptive Card 1.4."""

    name = Channel.TEAMS

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        title = markup_title(message, defused)

        def render(markdown: str) -> bytes:
            body: list[dict[str, Any]] = [
                {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
            ]
            text = teams_markdown(markdown)
            if message.mention:
                text = f"{_teams_at(message.mention)} {text}"
            if text:
                body.append({"type": "TextBlock", "text": text, "wrap": True})
            if message.facts:
                facts = [{"title": k, "value": truncate_chars(v, 1000)} for k, v in message.facts]
                body.append({"type": "FactSet", "facts": facts})
            card: dict[str, Any] = {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "msteams": {"width": "Full", **_teams_mention(message.mention)},
            }
            if message.link:
                card["actions"] = [{"type": "Action.OpenUrl", "title": OPEN_LABEL, "url": message.link}]
            attachment = {"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}
            return dumps({"type": "message", "attachments": [attachment]})

        return ChatRequest(
            url=endpoint.url,
            headers={"Content-Type": JSON_CONTENT_TYPE},
            body=fit(render, message.markdown, TEAMS_BODY_BYTES),
        )

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = judge_status(self.name, status, headers, body)
        if by_status is not None:
            return by_status
        text = body.strip()
        if not text or text == b"1" or json_object(text) is not None:
            return Outcome(True, False, f"teams: HTTP {status}")
        if looks_like_html(text):
            return garbage(self.name, status, body)
        # Legacy connectors answered errors with HTTP 200 and a sentence ("... returned HTTP error 429 ...").
        retryable = b"429" in text or b"throttl" in text.lower()
        return Outcome(False, retryable, f"teams: HTTP {status}: {snippet(body)}")
