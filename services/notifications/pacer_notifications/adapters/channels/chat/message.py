"""A chat notification as every vendor adapter takes it, the request it becomes, and what an attempt achieved."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from pacer_notifications.domain.channels import Channel
from pacer_notifications.domain.outcome import Outcome as Outcome  # what judging a vendor's answer returns

OPEN_LABEL = "Open in Pacer"
ELLIPSIS = "…"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Mention:
    """Someone a post must notify: a robot posts to a group, and only an @-mention in the vendor's own form makes
    the person's client alert them. `id` is their identity in that chat system (`ChatHandles`)."""

    id: str
    name: str


@dataclass(frozen=True)
class ChatMessage:
    """One notification, rendered once and adapted to each vendor's dialect.

    `markdown` is CommonMark-ish (`**bold**`, `[text](url)`, `# heading`, `- item`, `> quote`); `plain` is the
    same content without markup, for notifications and fallbacks. `mention` opens the post with an @-mention of
    the recipient. The last three fields only travel in Pacer's own webhook payload. `title`, `markdown` and
    `plain` may hold values marked as what people wrote (`user_text`): each adapter shows them as text, escaped
    for its dialect.
    """

    title: str
    markdown: str
    plain: str
    link: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    event_type: str | None = None
    recipient_id: str | None = None
    notification_id: str | None = None
    mention: Mention | None = None

    def __post_init__(self) -> None:
        # The id goes into the vendor's markup (`<@id>`, `<at id=id>`, `@id`): one that is not a plain identifier,
        # or names a whole group (`all`, `here`), would notify everyone, so the post goes without the mention.
        if self.mention is not None and not _plain_id(self.mention.id):
            object.__setattr__(self, "mention", None)


# Slack member ids, Entra object ids and user principal names, WeCom and DingTalk userids, Feishu open_ids.
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}")
_GROUP_IDS = frozenset({"all", "here", "channel", "everyone"})


def _plain_id(value: str) -> bool:
    return _PLAIN_ID.fullmatch(value) is not None and value.lower() not in _GROUP_IDS


@dataclass(frozen=True)
class ChatEndpoint:
    """Where one chat robot lives: `channel` is slack|teams|wecom|dingtalk|feishu|webhook."""

    channel: str
    url: str
    secret: str | None = None


@dataclass(frozen=True)
class ChatRequest:
    """An HTTP POST ready to send; `body` is UTF-8 JSON."""

    url: str
    headers: dict[str, str]
    body: bytes


class ChatAdapter(Protocol):
    name: Channel

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest: ...

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome: ...


def utc(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def dumps(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_request(url: str, payload: object, extra_headers: Mapping[str, str] | None = None) -> ChatRequest:
    headers = {"Content-Type": JSON_CONTENT_TYPE, **(extra_headers or {})}
    return ChatRequest(url=url, headers=headers, body=dumps(payload))


def truncate_chars(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def truncate_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes without splitting a character, an ellipsis marking the cut."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    budget = limit - len(ELLIPSIS.encode("utf-8"))
    if budget <= 0:
        return raw[: max(limit, 0)].decode("utf-8", errors="ignore")
    return raw[:budget].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


def fit(render: Callable[[str], bytes], markdown: str, limit: int) -> bytes:
    """The rendering of the longest prefix of `markdown` that keeps the rendering within `limit` bytes."""
    rendered = render(markdown)
    while len(rendered) > limit and markdown:
        overflow = len(rendered) - limit
        # JSON escaping can make the rendering grow faster than the text: loop until it fits.
        target = len(markdown.encode("utf-8")) - overflow - 16
        markdown = truncate_bytes(markdown, target) if target > len(ELLIPSIS.encode("utf-8")) else ""
        rendered = render(markdown)
    return rendered
