"""Chat-robot adapters: Slack, Microsoft Teams (Workflows), WeCom, DingTalk, Feishu/Lark and Pacer's own webhook.

Each adapter turns a `ChatMessage` into the exact HTTP request its vendor documents (payload shape, Markdown
dialect, size limits, signature) and judges the vendor's answer: delivered, worth retrying, or failed for good.
Adapters do no I/O: the caller POSTs `ChatRequest.body` to `ChatRequest.url` with `ChatRequest.headers`, then
hands the status, headers and body it got back to `judge`, which never raises, whatever came back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote_plus, urlsplit, urlunsplit

from pacer_notifications.channels import user_text

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


@dataclass(frozen=True)
class Outcome:
    """What one attempt achieved. `retry_after` (seconds) is the vendor's hint, when it gave one."""

    delivered: bool
    retryable: bool
    reason: str
    retry_after: float | None = None


class ChatAdapter(Protocol):
    name: str

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest: ...

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome: ...


# --- signatures ---------------------------------------------------------------------------------------------------


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk "加签": base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), before URL-encoding.

    DingTalk Open Platform, "自定义机器人安全设置" (custom robot security settings): timestamp in milliseconds,
    string_to_sign = timestamp + "\\n" + secret, HmacSHA256 keyed with the secret, Base64, then urlEncode.
    """
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu/Lark custom bot signature: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")).

    Feishu Open Platform, "自定义机器人使用指南" (Use custom bots in a group), signature verification: the string
    timestamp + "\\n" + secret is the HMAC *key* and the message is empty (the guide's Python/Go/Java samples
    all do this; it differs from DingTalk, where the secret is the key). Timestamp in seconds.
    """
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_signature(timestamp_s: int, body: bytes, secret: str) -> str:
    """Pacer's webhook signature (Stripe-style): "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}." + body)."""
    mac = hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


# --- small helpers -----------------------------------------------------------------------------------------------


def _utc(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_request(url: str, payload: object, extra_headers: Mapping[str, str] | None = None) -> ChatRequest:
    headers = {"Content-Type": JSON_CONTENT_TYPE, **(extra_headers or {})}
    return ChatRequest(url=url, headers=headers, body=_dumps(payload))


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


def _fit(render: Callable[[str], bytes], markdown: str, limit: int) -> bytes:
    """The rendering of the longest prefix of `markdown` that keeps the rendering within `limit` bytes."""
    rendered = render(markdown)
    while len(rendered) > limit and markdown:
        overflow = len(rendered) - limit
        # JSON escaping can make the rendering grow faster than the text: loop until it fits.
        target = len(markdown.encode("utf-8")) - overflow - 16
        markdown = truncate_bytes(markdown, target) if target > len(ELLIPSIS.encode("utf-8")) else ""
        rendered = render(markdown)
    return rendered


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - _utc(now or datetime.now(UTC))).total_seconds())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _snippet(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return truncate_chars(text, SNIPPET_CHARS) if text else "<empty body>"


def _looks_like_html(body: bytes) -> bool:
    head = body.lstrip()[:64].lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return data if isinstance(data, dict) else None


def _int_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _judge_status(vendor: str, status: int, headers: Mapping[str, str], body: bytes) -> Outcome | None:
    """The verdict a non-2xx status alone decides, or None for a 2xx whose body still has to be read."""
    if 200 <= status < 300:
        return None
    reason = f"{vendor}: HTTP {status}: {_snippet(body)}"
    if status in (408, 429) or status >= 500:
        return Outcome(False, True, reason, retry_after_seconds(_header(headers, "Retry-After")))
    # 4xx other than 408/429 (bad payload, revoked or unknown webhook); 1xx/3xx: a webhook that moved.
    return Outcome(False, False, reason)


def _garbage(vendor: str, status: int, body: bytes) -> Outcome:
    # A 2xx that is not the vendor's JSON (a proxy's or captive portal's HTML page, an empty body): the message
    # most likely never reached the vendor, so the attempt failed but trying again may work.
    return Outcome(False, True, f"{vendor}: unexpected response body (HTTP {status}): {_snippet(body)}")


RetryHint = tuple[bool, float | None]


def _judge_coded(
    vendor: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    code_keys: tuple[str, ...],
    msg_keys: tuple[str, ...],
    retry_hint: Callable[[int, str], RetryHint],
    extra_delay_header: str | None = None,
) -> Outcome:
    """Judging for vendors that answer with a JSON error code (0 = success), usually with HTTP 200."""
    data = _json_object(body)
    code: int | None = None
    msg = ""
    if data is not None:
        code = next((c for c in (_int_code(data.get(k)) for k in code_keys) if c is not None), None)
        msg = next((str(data[k]) for k in msg_keys if isinstance(data.get(k), str)), "")
    if code is not None and code != 0:
        retryable, default_delay = retry_hint(code, msg)
        if retryable:  # vendors may answer a rate limit with HTTP 200 or 4xx: the code is what counts
            delay = retry_after_seconds(_header(headers, "Retry-After"))
            if delay is None and extra_delay_header:
                delay = retry_after_seconds(_header(headers, extra_delay_header))
            return Outcome(
                False,
                True,
                f"{vendor}: code {code}: {truncate_chars(msg, SNIPPET_CHARS)}",
                delay if delay is not None else default_delay,
            )
    by_status = _judge_status(vendor, status, headers, body)
    if by_status is not None:
        return by_status
    if code is None:
        return _garbage(vendor, status, body)
    if code == 0:
        return Outcome(True, False, f"{vendor}: {msg or 'ok'}")
    return Outcome(False, False, f"{vendor}: code {code}: {truncate_chars(msg, SNIPPET_CHARS)}")


def _with_query(url: str, extra: str) -> str:
    """`url` with `extra` (already encoded `k=v&k=v`) appended to its query string."""
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


# --- Markdown dialects -------------------------------------------------------------------------------------------

_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.DOTALL)
_LINK = re.compile(r"!?\[([^\]\n]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)\)")
_BOLD_MARK = "\x02"
_LINK_MARK = "\x03"


def _escape_slack(text: str) -> str:
    # Slack: "&", "<" and ">" are control characters and must be sent as HTML entities.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_prose(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        quote = _QUOTE.match(line)
        prefix = "> " if quote else ""
        lines.append(prefix + _escape_slack(line[quote.end() :] if quote else line))
    text = "\n".join(lines)
    links: list[str] = []

    def keep_link(m: re.Match[str]) -> str:
        label = _BOLD.sub(r"\2", m.group(1)).replace("|", "¦")
        links.append(f"<{m.group(2)}|{label}>")
        return f"{_LINK_MARK}{len(links) - 1}{_LINK_MARK}"

    text = _LINK.sub(keep_link, text)
    text = _HEADING.sub(lambda m: _BOLD_MARK + m.group(1).replace("**", "").replace("__", "") + _BOLD_MARK, text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: _BOLD_MARK + m.group(2) + _BOLD_MARK, text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = text.replace(_BOLD_MARK, "*")
    return re.sub(f"{_LINK_MARK}(\\d+){_LINK_MARK}", lambda m: links[int(m.group(1))], text)


def _slack_markup(markdown: str) -> str:
    parts = _CODE.split(markdown)
    return "".join(_escape_slack(part) if i % 2 else _slack_prose(part) for i, part in enumerate(parts))


def slack_mrkdwn(markdown: str) -> str:
    """Markdown in Slack's mrkdwn: `**x**` → `*x*`, `*x*` → `_x_`, `[t](u)` → `<u|t>`, `~~x~~` → `~x~`,
    headings → bold lines, `- item` → `• item`, and `&`, `<`, `>` escaped ("Formatting message text", Slack docs).

    What people wrote only has `&`, `<` and `>` escaped: the entities are all Slack decodes, and without `<` no
    `<!channel>`, `<!here>`, `<@U…>` or `<url|label>` can be formed ("Formatting text for app surfaces",
    docs.slack.dev, "Escaping text"). The sections also go out `verbatim`, so Slack does not turn a bare
    `@channel` or URL in their text into a mention or link either.
    """
    return user_text.render(markdown, _slack_markup, _escape_slack)


def _plain_blocks(markdown: str, *, quotes: bool, lists: bool) -> str:
    """Headings as bold lines, images as links; quotes and list markers kept only where the dialect has them."""
    parts = _CODE.split(markdown)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part.strip("`") if part.startswith("```") else part)
            continue
        part = _HEADING.sub(lambda m: "**" + m.group(1).replace("**", "") + "**", part)
        part = _IMAGE.sub(r"[\1](\2)", part)
        if not quotes:
            part = _QUOTE.sub("", part)
        if not lists:
            part = _BULLET.sub(lambda m: f"{m.group(1)}• ", part)
        out.append(part)
    return "".join(out)


def _paragraphs(text: str, *, list_break: str = "\n", line_break: str = "\n\n") -> str:
    """Lines re-joined so renderers that ignore single newlines still break them: list items stay adjacent."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    previous_item = False
    for line in lines:
        if not line.strip():
            previous_item = False
            continue
        item = bool(re.match(r"^\s*([-*+•]|\d+[.)])\s", line))
        if out:
            out.append(list_break if item and previous_item else line_break)
        out.append(line)
        previous_item = item
    return "".join(out)


def _plain_prose(text: str) -> str:
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _HEADING.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    return _STRIKE.sub(r"\1", text)


def _plain_markup(markdown: str) -> str:
    parts = _CODE.split(markdown)
    return "".join(part.strip("`") if i % 2 else _plain_prose(part) for i, part in enumerate(parts))


def plain_text(markdown: str) -> str:
    """Markdown as text without markup, for where a chat shows no formatting (a phone's notification, Slack's
    `text`, Pacer's webhook): emphasis marks dropped, links as `label (url)`, list items as `• item`.

    What people wrote is kept as they typed it: an asterisk in a goal title is part of the title.
    """
    return user_text.render(markdown, _plain_markup, _unchanged)


# --- what people wrote, per dialect -----------------------------------------------------------------------------

# WeCom's and DingTalk's robot Markdown and Teams' Adaptive Card Markdown document no escape character, so what
# people wrote is defused instead: a zero-width space (invisible, kept by every client) goes where it stops the
# syntax that reaches beyond the message: `](`, `][` and `]:` (a link, image or link reference needs the bracket
# and what follows it adjacent, CommonMark 0.31 §6.3), `<` before a tag, autolink or mention (`<@all>`,
# `<font …>`, `<at …>`, `<http://…>`), `@` before a whole-group mention (`@all`, `@所有人`), and `#` or `>` opening a
# line (a heading or quote pretending to be the template's own).
ZERO_WIDTH_SPACE = "\u200b"
_LINK_TAIL = re.compile(r"\]([ \t]*[(\[:])")
_TAG_START = re.compile(r"<(?=[!@/?A-Za-z])")
_GROUP_MENTION = re.compile(r"([@＠])(?=(?:all|here|channel|everyone)(?![\w-])|所有人)", re.IGNORECASE)
_LINE_MARKUP = re.compile(r"^([ \t]*)(?=[#>])", re.MULTILINE)


def _defused(text: str) -> str:
    text = _LINK_TAIL.sub(f"]{ZERO_WIDTH_SPACE}\\1", text)
    text = _TAG_START.sub(f"<{ZERO_WIDTH_SPACE}", text)
    text = _GROUP_MENTION.sub(f"\\1{ZERO_WIDTH_SPACE}", text)
    return _LINE_MARKUP.sub(f"\\1{ZERO_WIDTH_SPACE}", text)


# Feishu card Markdown reads `<at id=all></at>` as a mention of everyone, `<a href>`, `<font>` and `<text_tag>` as
# markup, and `[t](u)`, `*`, `~`, `#` and `:emoji:` as formatting. Its documented escape is the HTML entity
# (`&#60;` for `<`, `&#62;` for `>`, `&#91;` for `[`, ...): "如果你要展示的字符命中了 markdown 语法使用的特殊字符
# ... 需要对特殊字符进行 HTML 转义" (Feishu Open Platform, message card "Markdown" component, the table of escapes).
_LARK_SPECIAL = re.compile(r"[&<>*~\[\]()#_`\\:!$+\-]")


def _escape_lark(text: str) -> str:
    escaped = _LARK_SPECIAL.sub(lambda found: f"&#{ord(found.group())};", text)
    return _GROUP_MENTION.sub(f"\\1{ZERO_WIDTH_SPACE}", escaped)


def _unchanged(text: str) -> str:
    return text


def teams_markdown(markdown: str) -> str:
    """Markdown within what an Adaptive Card TextBlock renders in Teams: bold, italic, lists, links.

    "Format cards in Teams" (Microsoft Learn): headings, tables, images, preformatted text and block quotes are
    not supported; use \\n\\n for a line break outside lists. A mention needs an entity naming the person, so
    `<at>` in what people wrote notifies no one; their links are defused.
    """
    return user_text.render(markdown, lambda m: _paragraphs(_plain_blocks(m, quotes=False, lists=True)), _defused)


def lark_markdown(markdown: str) -> str:
    """Markdown within Feishu's `lark_md` (bold, italic, strikethrough, links): headings become bold lines."""
    return user_text.render(markdown, lambda m: _plain_blocks(m, quotes=False, lists=False), _escape_lark)


def wecom_markdown(markdown: str) -> str:
    """Markdown within WeCom's robot subset (headings, bold, links, inline code, quotes, <font color>)."""
    return user_text.render(
        markdown,
        lambda m: _plain_blocks(_HEADING.sub(lambda h: "### " + h.group(1), m), quotes=True, lists=False),
        _defused,
    )


def dingtalk_markdown(markdown: str) -> str:
    """Markdown as DingTalk's robot renders it (headings, bold, links, images, lists, quotes): kept as written.

    Only `at.atUserIds`, `at.atMobiles` and `at.isAtAll` make DingTalk alert people ("自定义机器人发送群消息");
    `@all` in what people wrote is defused all the same, as are their links and images.
    """
    return user_text.render(markdown, _unchanged, _defused)


def _title(message: ChatMessage, escape: Callable[[str], str]) -> str:
    """The message's title on one line in a dialect that reads markup in it, its user values escaped: a line break
    in a goal title must not end a heading and start text that looks like the template's own."""
    return user_text.render(message.title, user_text.one_line, lambda value: escape(user_text.one_line(value)))


def _plain_title(message: ChatMessage) -> str:
    return user_text.one_line(user_text.plain(message.title))


# --- Slack -------------------------------------------------------------------------------------------------------

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

    name = "slack"

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head: list[dict[str, Any]] = []
        title = _plain_title(message)
        if title:
            header = truncate_chars(title, SLACK_HEADER_CHARS)
            head.append({"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}})
        facts: list[dict[str, Any]] = []
        for start in range(0, min(len(message.facts), SLACK_FIELDS * SLACK_FACT_BLOCKS), SLACK_FIELDS):
            fields = [
                {
                    "type": "mrkdwn",
                    "text": truncate_chars(f"*{_escape_slack(k)}*\n{_escape_slack(v)}", SLACK_FIELD_CHARS),
                }
                for k, v in message.facts[start : start + SLACK_FIELDS]
            ]
            facts.append({"type": "section", "fields": fields})
        tail: list[dict[str, Any]] = []
        if message.link:
            link = f"<{_escape_slack(message.link)}|{OPEN_LABEL}>"
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
        payload = {"text": truncate_chars(mention + _escape_slack(fallback), SLACK_TEXT_CHARS), "blocks": blocks}
        return _json_request(endpoint.url, payload)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = _judge_status(self.name, status, headers, body)
        if by_status is not None:
            return by_status
        if body.strip() == b"ok":
            return Outcome(True, False, "slack: ok")
        return _garbage(self.name, status, body)


# --- Microsoft Teams (Workflows) ---------------------------------------------------------------------------------

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

    name = "teams"

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        title = _title(message, _defused)

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
            return _dumps({"type": "message", "attachments": [attachment]})

        return ChatRequest(
            url=endpoint.url,
            headers={"Content-Type": JSON_CONTENT_TYPE},
            body=_fit(render, message.markdown, TEAMS_BODY_BYTES),
        )

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = _judge_status(self.name, status, headers, body)
        if by_status is not None:
            return by_status
        text = body.strip()
        if not text or text == b"1" or _json_object(text) is not None:
            return Outcome(True, False, f"teams: HTTP {status}")
        if _looks_like_html(text):
            return _garbage(self.name, status, body)
        # Legacy connectors answered errors with HTTP 200 and a sentence ("... returned HTTP error 429 ...").
        retryable = b"429" in text or b"throttl" in text.lower()
        return Outcome(False, retryable, f"teams: HTTP {status}: {_snippet(body)}")


# --- WeCom (企业微信) ----------------------------------------------------------------------------------------------

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

    name = "wecom"

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head = f"### {_title(message, _defused)}"
        mention = f"<@{message.mention.id}>" if message.mention else ""  # markdown messages mention as <@userid>
        facts = "\n".join(f'> {k}: <font color="comment">{v}</font>' for k, v in message.facts)
        link = f"[{OPEN_LABEL}]({message.link})" if message.link else ""

        def render(markdown: str) -> bytes:
            parts = (head, mention, wecom_markdown(markdown).strip(), facts, link)
            return "\n\n".join(p for p in parts if p).encode()

        content = _fit(render, message.markdown, WECOM_CONTENT_BYTES).decode("utf-8")
        content = truncate_bytes(content, WECOM_CONTENT_BYTES)  # a title or facts alone over the limit
        return _json_request(endpoint.url, {"msgtype": "markdown", "markdown": {"content": content}})

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return _judge_coded(
            self.name, status, headers, body, code_keys=("errcode",), msg_keys=("errmsg",), retry_hint=_wecom_retry
        )


# --- DingTalk (钉钉) -----------------------------------------------------------------------------------------------

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

    name = "dingtalk"

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        head = f"### {_title(message, _defused)}"
        # The user id goes in `at.atUserIds` and, as @id, in the text, where the mention is shown.
        mention = f"@{message.mention.id}" if message.mention else ""
        facts = "\n".join(f"- **{k}**: {v}" for k, v in message.facts)
        link = f"[{OPEN_LABEL}]({message.link})" if message.link else ""

        def render(markdown: str) -> bytes:
            parts = (head, mention, dingtalk_markdown(markdown).strip(), facts, link)
            return "\n\n".join(p for p in parts if p).encode()

        text = truncate_bytes(_fit(render, message.markdown, DINGTALK_TEXT_BYTES).decode("utf-8"), DINGTALK_TEXT_BYTES)
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": truncate_chars(_plain_title(message), DINGTALK_TITLE_CHARS), "text": text},
            "at": {"atMobiles": [], "atUserIds": [message.mention.id] if message.mention else [], "isAtAll": False},
        }
        url = endpoint.url
        if endpoint.secret:
            timestamp = int(_utc(now).timestamp() * 1000)
            sign = quote_plus(dingtalk_sign(timestamp, endpoint.secret))
            url = _with_query(url, f"timestamp={timestamp}&sign={sign}")
        return _json_request(url, payload)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return _judge_coded(
            self.name, status, headers, body, code_keys=("errcode",), msg_keys=("errmsg",), retry_hint=_dingtalk_retry
        )


# --- Feishu / Lark (飞书) -----------------------------------------------------------------------------------------

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

    name = "feishu"

    def build(self, message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> ChatRequest:
        signature: dict[str, str] = {}
        if endpoint.secret:
            timestamp = int(_utc(now).timestamp())
            signature = {"timestamp": str(timestamp), "sign": feishu_sign(timestamp, endpoint.secret)}
        title = truncate_chars(_plain_title(message), FEISHU_TITLE_CHARS)

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
            return _dumps({**signature, "msg_type": "interactive", "card": card})

        return ChatRequest(
            url=endpoint.url,
            headers={"Content-Type": JSON_CONTENT_TYPE},
            body=_fit(render, message.markdown, FEISHU_BODY_BYTES),
        )

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return _judge_coded(
            self.name,
            status,
            headers,
            body,
            code_keys=("code", "StatusCode"),
            msg_keys=("msg", "StatusMessage"),
            retry_hint=_feishu_retry,
            extra_delay_header="x-ogw-ratelimit-reset",
        )


# --- Pacer's own webhook -----------------------------------------------------------------------------------------

WEBHOOK_TIMESTAMP_HEADER = "X-Pacer-Timestamp"
WEBHOOK_SIGNATURE_HEADER = "X-Pacer-Signature"
WEBHOOK_TOLERANCE_S = 300


class WebhookAdapter:
    """Pacer's generic webhook: JSON body, `X-Pacer-Timestamp` and a Stripe-style `X-Pacer-Signature`.

    The signature covers the timestamp and the exact body bytes, so receivers can refuse replays older than
    five minutes ("Check the webhook signatures", Stripe docs, is the model).
    """

    name = "webhook"

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
        body = _dumps(payload)
        timestamp = int(_utc(now).timestamp())
        headers = {"Content-Type": JSON_CONTENT_TYPE, WEBHOOK_TIMESTAMP_HEADER: str(timestamp)}
        if endpoint.secret:
            headers[WEBHOOK_SIGNATURE_HEADER] = webhook_signature(timestamp, body, endpoint.secret)
        return ChatRequest(url=endpoint.url, headers=headers, body=body)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        by_status = _judge_status(self.name, status, headers, body)
        return by_status or Outcome(True, False, f"webhook: HTTP {status}")


ADAPTERS: dict[str, ChatAdapter] = {
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
