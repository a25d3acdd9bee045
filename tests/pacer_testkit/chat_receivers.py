"""Local stand-ins for the chat-robot vendors, verifying requests the way each vendor documents it.

`receivers(secrets)` builds a Starlette app serving POST /slack, /teams, /wecom, /dingtalk, /feishu and
/webhook. Each route checks what the vendor checks (payload shape, size, signature, timestamp window) and
answers as the vendor does, on success and on failure, so an adapter's `judge` is tested against real answers.
`secrets` maps a channel to its secret: the WeCom webhook key, the DingTalk and Feishu signing secrets and
Pacer's webhook secret; a channel without one accepts unsigned posts.

`Inbox` records accepted and rejected posts, and can be told to make the next posts fail (`fail_next`) or to
answer an HTML page with 200 (`garbage_next`), as a proxy in the way would. `pacer_testkit.serving.serve(app)`
runs them with uvicorn on 127.0.0.1 in the current event loop and yields the base URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CHANNELS = ("slack", "teams", "wecom", "dingtalk", "feishu", "webhook")
GARBAGE_HTML = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The proxy could not reach the upstream server.</p></body></html>"
)


@dataclass(frozen=True)
class Post:
    """A post the receiver accepted. `signed` is True when a signature was checked and matched."""

    channel: str
    payload: Any
    headers: dict[str, str]
    query: dict[str, str]
    signed: bool


@dataclass(frozen=True)
class Rejection:
    """A post the receiver refused, with why and what it answered."""

    channel: str
    reason: str
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str]
    times: int


@dataclass
class Inbox:
    accepted: list[Post] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    programmed: list[tuple[str, int]] = field(default_factory=list)  # (channel, status) of canned answers served
    _queue: dict[str, deque[Canned]] = field(default_factory=dict)

    def fail_next(
        self,
        channel: str,
        status: int,
        body: str | bytes | Mapping[str, Any] = b"",
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` posts to `channel` with `status` and `body` (a mapping is sent as JSON)."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        answer_headers = dict(headers or {})
        if isinstance(body, Mapping):
            raw = json.dumps(body, ensure_ascii=False).encode()
            answer_headers.setdefault("content-type", "application/json")
        else:
            raw = body.encode() if isinstance(body, str) else body
            answer_headers.setdefault("content-type", "text/plain; charset=utf-8")
        self._queue.setdefault(channel, deque()).append(Canned(status, raw, answer_headers, times))

    def garbage_next(self, channel: str) -> None:
        """Answer the next post to `channel` with 200 and an HTML page, as a misconfigured proxy would."""
        self.fail_next(channel, 200, GARBAGE_HTML, headers={"content-type": "text/html; charset=utf-8"})

    def of(self, channel: str) -> list[Post]:
        return [post for post in self.accepted if post.channel == channel]

    def rejected_of(self, channel: str) -> list[Rejection]:
        return [rejection for rejection in self.rejected if rejection.channel == channel]

    def _take(self, channel: str) -> Canned | None:
        queue = self._queue.get(channel)
        if not queue:
            return None
        canned = queue[0]
        canned.times -= 1
        if canned.times <= 0:
            queue.popleft()
        return canned


@dataclass(frozen=True)
class Incoming:
    body: bytes
    headers: dict[str, str]
    query: dict[str, str]
    now: float


@dataclass(frozen=True)
class Verdict:
    response: Response
    payload: Any = None
    reason: str | None = None  # None: accepted
    signed: bool = False


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _is_str(value: object, *, empty: bool = False) -> bool:
    return isinstance(value, str) and (empty or bool(value.strip()))


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# --- Slack -------------------------------------------------------------------------------------------------------

SLACK_BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "video",
}


def _slack_text_object(value: object, limit: int, *, plain_only: bool = False) -> str | None:
    if not isinstance(value, dict):
        return "text object must be an object"
    kinds = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
    if value.get("type") not in kinds:
        return f"text object type must be one of {sorted(kinds)}"
    text = value.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        return f"text must be 1..{limit} characters"
    return None


def _slack_blocks_error(blocks: object) -> str | None:
    """Block Kit reference: the limits Slack enforces on the blocks we send."""
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "blocks must be a list of at most 50 blocks"
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("type") not in SLACK_BLOCK_TYPES:
            return f"blocks[{index}]: unknown block type"
        kind = block["type"]
        if kind == "header" and (error := _slack_text_object(block.get("text"), 150, plain_only=True)):
            return f"blocks[{index}] header: {error}"
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if text is None and fields is None:
                return f"blocks[{index}] section: text or fields required"
            if text is not None and (error := _slack_text_object(text, 3000)):
                return f"blocks[{index}] section: {error}"
            if fields is not None:
                if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                    return f"blocks[{index}] section: fields must hold 1..10 items"
                for field_ in fields:
                    if error := _slack_text_object(field_, 2000):
                        return f"blocks[{index}] section field: {error}"
        if kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                return f"blocks[{index}] context: elements must hold 1..10 items"
    return None


def _slack(incoming: Incoming, secret: str | None) -> Verdict:
    def refuse(status: int, error: str, why: str) -> Verdict:
        return Verdict(Response(error, status, media_type="text/plain"), reason=f"{error}: {why}")

    payload = _json(incoming.body)
    if not isinstance(payload, dict):
        return refuse(400, "invalid_payload", "body is not a JSON object")
    text, blocks = payload.get("text"), payload.get("blocks")
    if text is not None and not isinstance(text, str):
        return refuse(400, "invalid_payload", "text must be a string")
    if blocks is not None and (error := _slack_blocks_error(blocks)):
        return refuse(400, "invalid_blocks", error)
    if not (_is_str(text) or blocks or payload.get("attachments")):
        return refuse(400, "no_text", "neither text nor blocks")
    return Verdict(Response("ok", 200, media_type="text/html"), payload=payload)


# --- Microsoft Teams (Workflows) ---------------------------------------------------------------------------------


def _teams_error(payload: object) -> str | None:
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return "body must be a message: {'type': 'message', 'attachments': [...]}"
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return "attachments must be a non-empty array"
    for index, attachment in enumerate(attachments):
        if not isinstance(attachment, dict):
            return f"attachments[{index}] must be an object"
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            return f"attachments[{index}].contentType must be application/vnd.microsoft.card.adaptive"
        card = attachment.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            return f"attachments[{index}].content: Property 'type' must be 'AdaptiveCard'"
        if not _is_str(card.get("version")):
            return f"attachments[{index}].content.version is required"
        body = card.get("body")
        if not isinstance(body, list):
            return f"attachments[{index}].content.body must be an array"
        for element in body:
            if not isinstance(element, dict) or not _is_str(element.get("type")):
                return "card elements need a type"
            if element["type"] == "TextBlock" and not isinstance(element.get("text"), str):
                return "TextBlock.text is required"
            if element["type"] == "FactSet":
                facts = element.get("facts")
                if not isinstance(facts, list) or not all(
                    isinstance(f, dict) and isinstance(f.get("title"), str) and isinstance(f.get("value"), str)
                    for f in facts
                ):
                    return "FactSet.facts must be [{title, value}] strings"
    return None


def _teams(incoming: Incoming, secret: str | None) -> Verdict:
    if len(incoming.body) > 28 * 1024:
        return Verdict(Response("Request Entity Too Large", 413, media_type="text/plain"), reason="over 28 KB")
    payload = _json(incoming.body)
    if error := _teams_error(payload):
        answer = {"error": {"code": "TriggerInputSchemaMismatch", "message": error}}
        return Verdict(JSONResponse(answer, 400), reason=error)
    return Verdict(Response(b"", 202), payload=payload)


# --- WeCom -------------------------------------------------------------------------------------------------------


def _errcode(code: int, message: str) -> JSONResponse:
    return JSONResponse({"errcode": code, "errmsg": message}, 200)


def _wecom(incoming: Incoming, secret: str | None) -> Verdict:
    key = incoming.query.get("key", "")
    if not key or (secret is not None and not hmac.compare_digest(key, secret)):
        return Verdict(_errcode(93000, "invalid webhook url, hint: [pacer-test]"), reason="invalid webhook key")
    payload = _json(incoming.body)
    if not isinstance(payload, dict):
        return Verdict(_errcode(40058, "Warning: wrong json format. invalid Request Parameter"), reason="not JSON")
    msgtype = payload.get("msgtype")
    if msgtype not in ("text", "markdown", "image", "news", "file", "voice", "template_card"):
        return Verdict(_errcode(40008, "invalid message type"), reason=f"msgtype {msgtype!r}")
    limits = {"text": 2048, "markdown": 4096}
    if msgtype in limits:
        inner = payload.get(msgtype)
        content = inner.get("content") if isinstance(inner, dict) else None
        if not _is_str(content):
            return Verdict(_errcode(40058, f"{msgtype}.content is required"), reason="no content")
        assert isinstance(content, str)
        if len(content.encode("utf-8")) > limits[msgtype]:
            message = f"{msgtype}.content exceed max length {limits[msgtype]}. invalid Request Parameter"
            return Verdict(_errcode(40058, message), reason="content too long")
    return Verdict(_errcode(0, "ok"), payload=payload, signed=secret is not None)


# --- DingTalk ----------------------------------------------------------------------------------------------------


def _dingtalk_at_error(at: object) -> str | None:
    if at is None:
        return None
    if not isinstance(at, dict):
        return "at must be an object"
    for key in ("atMobiles", "atUserIds"):
        if key in at and not _str_list(at[key]):
            return f"at.{key} must be an array of strings"
    if "isAtAll" in at and not isinstance(at["isAtAll"], bool):
        return "at.isAtAll must be a boolean"
    return None


def _dingtalk(incoming: Incoming, secret: str | None) -> Verdict:
    if not incoming.query.get("access_token"):
        return Verdict(_errcode(300001, "token is not exist"), reason="no access_token")
    signed = False
    if secret is not None:
        timestamp, sign = incoming.query.get("timestamp", ""), incoming.query.get("sign", "")
        if not timestamp.isdigit() or abs(incoming.now * 1000 - int(timestamp)) > 3600 * 1000:
            return Verdict(_errcode(310000, "invalid timestamp"), reason="timestamp missing or more than 1 h off")
        # The query string arrives URL-decoded: compare with the base64 signature itself.
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(sign, base64.b64encode(digest).decode()):
            return Verdict(_errcode(310000, "sign not match"), reason="signature mismatch")
        signed = True
    payload = _json(incoming.body)
    if not isinstance(payload, dict) or not _is_str(payload.get("msgtype")):
        return Verdict(_errcode(40035, "缺少参数 json"), reason="no msgtype")
    msgtype = payload["msgtype"]
    if msgtype == "markdown":
        markdown = payload.get("markdown")
        if not isinstance(markdown, dict) or not _is_str(markdown.get("title")) or not _is_str(markdown.get("text")):
            return Verdict(_errcode(40035, "缺少参数 markdown.title/markdown.text"), reason="markdown incomplete")
    elif msgtype == "text":
        text = payload.get("text")
        if not isinstance(text, dict) or not _is_str(text.get("content")):
            return Verdict(_errcode(40035, "缺少参数 text.content"), reason="text incomplete")
    elif msgtype not in ("link", "actionCard", "feedCard"):
        return Verdict(_errcode(40035, f"不支持的消息类型 {msgtype}"), reason=f"msgtype {msgtype!r}")
    if error := _dingtalk_at_error(payload.get("at")):
        return Verdict(_errcode(40035, error), reason=error)
    return Verdict(_errcode(0, "ok"), payload=payload, signed=signed)


# --- Feishu ------------------------------------------------------------------------------------------------------

FEISHU_SUCCESS = {"code": 0, "msg": "success", "data": {}, "Extra": None, "StatusCode": 0, "StatusMessage": "success"}


def _feishu_error(code: int, message: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"code": code, "msg": message, "data": {}}, status)


def _feishu(incoming: Incoming, secret: str | None) -> Verdict:
    if len(incoming.body) > 20_000:
        return Verdict(_feishu_error(9499, "Bad Request", 400), reason="body over 20 KB")
    payload = _json(incoming.body)
    if not isinstance(payload, dict):
        return Verdict(_feishu_error(9499, "Bad Request", 400), reason="not a JSON object")
    signed = False
    if secret is not None:
        timestamp, sign = payload.get("timestamp"), payload.get("sign")
        stamp = str(timestamp) if isinstance(timestamp, str | int) and not isinstance(timestamp, bool) else ""
        fresh = stamp.isdigit() and abs(incoming.now - int(stamp)) <= 3600
        expected = ""
        if fresh:
            digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
            expected = base64.b64encode(digest).decode()
        if not fresh or not isinstance(sign, str) or not hmac.compare_digest(sign, expected):
            message = "sign match fail or timestamp is not within one hour from current time"
            return Verdict(_feishu_error(19021, message), reason="signature mismatch or stale timestamp")
        signed = True
    msg_type = payload.get("msg_type")
    if msg_type == "interactive":
        card = payload.get("card")
        header = card.get("header") if isinstance(card, dict) else None
        elements = card.get("elements") if isinstance(card, dict) else None
        if not isinstance(elements, list) or not all(isinstance(e, dict) and _is_str(e.get("tag")) for e in elements):
            return Verdict(_feishu_error(9499, "Bad Request", 400), reason="card.elements must be tagged objects")
        title = header.get("title") if isinstance(header, dict) else None
        if header is not None and not (isinstance(title, dict) and isinstance(title.get("content"), str)):
            return Verdict(_feishu_error(9499, "Bad Request", 400), reason="card.header.title.content required")
    elif msg_type == "text":
        content = payload.get("content")
        if not isinstance(content, dict) or not _is_str(content.get("text")):
            return Verdict(_feishu_error(9499, "Bad Request", 400), reason="content.text required")
    elif msg_type not in ("post", "image", "share_chat"):
        return Verdict(_feishu_error(9499, "Bad Request", 400), reason=f"msg_type {msg_type!r}")
    return Verdict(JSONResponse(FEISHU_SUCCESS, 200), payload=payload, signed=signed)


# --- Pacer's webhook ---------------------------------------------------------------------------------------------

WEBHOOK_FIELDS = ("event_type", "title", "text", "recipient_id", "notification_id")


def _webhook(incoming: Incoming, secret: str | None) -> Verdict:
    def refuse(status: int, error: str) -> Verdict:
        return Verdict(JSONResponse({"error": error}, status), reason=error)

    signed = False
    if secret is not None:
        timestamp = incoming.headers.get("x-pacer-timestamp", "")
        if not timestamp.isdigit() or abs(incoming.now - int(timestamp)) > 300:
            return refuse(401, "timestamp missing or more than 5 minutes off")
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + incoming.body, hashlib.sha256)
        if not hmac.compare_digest(incoming.headers.get("x-pacer-signature", ""), f"sha256={mac.hexdigest()}"):
            return refuse(401, "signature mismatch")
        signed = True
    payload = _json(incoming.body)
    if not isinstance(payload, dict):
        return refuse(400, "body is not a JSON object")
    missing = [name for name in WEBHOOK_FIELDS if name not in payload]
    if missing:
        return refuse(400, f"missing fields: {', '.join(missing)}")
    if not all(isinstance(payload[name], str) for name in ("title", "text")):
        return refuse(400, "title and text must be strings")
    if not all(payload[name] is None or isinstance(payload[name], str) for name in WEBHOOK_FIELDS):
        return refuse(400, "event_type, recipient_id and notification_id must be strings or null")
    return Verdict(JSONResponse({"ok": True}, 200), payload=payload, signed=signed)


VERIFIERS: dict[str, Callable[[Incoming, str | None], Verdict]] = {
    "slack": _slack,
    "teams": _teams,
    "wecom": _wecom,
    "dingtalk": _dingtalk,
    "feishu": _feishu,
    "webhook": _webhook,
}


def receivers(secrets: dict[str, str]) -> tuple[Starlette, Inbox]:
    """The six vendor stand-ins as one app, and the inbox where they record what they saw."""
    inbox = Inbox()

    def route(channel: str) -> Route:
        verify = VERIFIERS[channel]

        async def receive(request: Request) -> Response:
            body = await request.body()
            headers = {key.lower(): value for key, value in request.headers.items()}
            query = dict(request.query_params)
            canned = inbox._take(channel)
            if canned is not None:
                inbox.programmed.append((channel, canned.status))
                return Response(canned.body, canned.status, headers=canned.headers)
            verdict = verify(Incoming(body, headers, query, time.time()), secrets.get(channel))
            if verdict.reason is None:
                inbox.accepted.append(Post(channel, verdict.payload, headers, query, verdict.signed))
            else:
                answer = bytes(verdict.response.body)
                inbox.rejected.append(Rejection(channel, verdict.reason, verdict.response.status_code, answer, headers))
            return verdict.response

        return Route(f"/{channel}", receive, methods=["POST"])

    return Starlette(routes=[route(channel) for channel in CHANNELS]), inbox
