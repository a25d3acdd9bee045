"""Chat-robot adapters against local receivers that verify requests the way each vendor documents it.

Every request is built by the adapter, sent over HTTP with httpx, checked by the receiver (shape, limits,
signature, timestamp window) and the receiver's real answer is judged by the same adapter.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from pacer_notifications.adapters.channels.chat import (
    ADAPTERS,
    ChatEndpoint,
    ChatMessage,
    ChatRequest,
    Mention,
    Outcome,
    WeComAdapter,
    dingtalk_sign,
    slack_mrkdwn,
)
from pacer_testkit.chat_receivers import Inbox, receivers
from pacer_testkit.serving import serve

SECRETS = {
    "wecom": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
    "dingtalk": "SEC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3",
    "feishu": "feishu-secret-for-tests",
    "webhook": "whsec_pacer_tests",
}

MESSAGE = ChatMessage(
    title="Goal at risk: Q3 revenue",
    markdown="**Ana Souza** is at 62% of the Q3 target, 目标还差 38%.\n\n- 14 days left\n- [Open the goal](https://pacer.example/goals/g-1)",
    plain="Ana Souza is at 62% of the Q3 target, 目标还差 38%. 14 days left.",
    link="https://pacer.example/goals/g-1",
    facts=[("Owner", "Ana Souza"), ("Progress", "62%")],
    event_type="GoalAtRisk",
    recipient_id="person-17",
    notification_id="n-0001",
)


@pytest.fixture
async def chat() -> AsyncIterator[tuple[str, Inbox]]:
    app, inbox = receivers(SECRETS)
    async with serve(app) as base_url:
        yield base_url, inbox


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def endpoint(base_url: str, channel: str, secret: str | None = None) -> ChatEndpoint:
    urls = {
        "slack": f"{base_url}/slack",
        "teams": f"{base_url}/teams?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=opaque",
        "wecom": f"{base_url}/wecom?key={SECRETS['wecom']}",
        "dingtalk": f"{base_url}/dingtalk?access_token=ding-robot-token",
        "feishu": f"{base_url}/feishu",
        "webhook": f"{base_url}/webhook",
    }
    return ChatEndpoint(channel=channel, url=urls[channel], secret=secret or SECRETS.get(channel))


async def send(client: httpx.AsyncClient, channel: str, request: ChatRequest) -> tuple[httpx.Response, Outcome]:
    response = await client.post(request.url, content=request.body, headers=request.headers)
    return response, ADAPTERS[channel].judge(response.status_code, response.headers, response.content)


def shown_text(channel: str, payload: Any) -> tuple[str, str]:
    """(title, body) as the vendor would display them, read from where each payload format puts them."""
    if channel == "slack":
        title = payload["blocks"][0]["text"]["text"]
        body = "\n".join(b["text"]["text"] for b in payload["blocks"][1:] if b["type"] == "section" and "text" in b)
        return title, body
    if channel == "teams":
        card = payload["attachments"][0]["content"]
        return card["body"][0]["text"], card["body"][1]["text"]
    if channel == "wecom":
        content = payload["markdown"]["content"]
        return content.split("\n", 1)[0], content
    if channel == "dingtalk":
        return payload["markdown"]["title"], payload["markdown"]["text"]
    if channel == "feishu":
        card = payload["card"]
        return card["header"]["title"]["content"], card["elements"][0]["text"]["content"]
    return payload["title"], payload["text"]


@pytest.mark.parametrize("channel", ["slack", "teams", "wecom", "dingtalk", "feishu", "webhook"])
async def test_each_adapter_delivers_a_message_the_vendor_accepts(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str
) -> None:
    base_url, inbox = chat
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))

    response, outcome = await send(http, channel, request)

    assert inbox.rejected == [], inbox.rejected
    [post] = inbox.of(channel)
    assert post.signed is (channel in ("wecom", "dingtalk", "feishu", "webhook"))
    title, body = shown_text(channel, post.payload)
    assert "Goal at risk: Q3 revenue" in title
    assert "Ana Souza" in body
    assert "目标还差 38%" in body  # UTF-8 survives, not \u escapes only the vendor would mangle
    assert outcome == Outcome(delivered=True, retryable=False, reason=outcome.reason)
    assert response.status_code in (200, 202)


def _mentions(channel: str, payload: Any, who: Mention) -> bool:
    """Whether the post @-mentions `who` in the form the vendor documents for notifying them."""
    if channel == "slack":
        return payload["blocks"][1]["text"]["text"].startswith(f"<@{who.id}> ") and f"<@{who.id}>" in payload["text"]
    if channel == "teams":
        card = payload["attachments"][0]["content"]
        entity = {"type": "mention", "text": f"<at>{who.name}</at>", "mentioned": {"id": who.id, "name": who.name}}
        return card["msteams"]["entities"] == [entity] and card["body"][1]["text"].startswith(entity["text"])
    if channel == "wecom":
        return f"\n\n<@{who.id}>\n\n" in payload["markdown"]["content"]
    if channel == "dingtalk":
        return payload["at"]["atUserIds"] == [who.id] and f"@{who.id}" in payload["markdown"]["text"]
    if channel == "feishu":
        return payload["card"]["elements"][0]["text"]["content"].startswith(f"<at id={who.id}></at> ")
    return payload["mention"] == {"id": who.id, "name": who.name}  # type: ignore[no-any-return]


@pytest.mark.parametrize("channel", ["slack", "teams", "wecom", "dingtalk", "feishu", "webhook"])
async def test_the_recipient_is_mentioned_so_their_chat_client_alerts_them(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str
) -> None:
    base_url, inbox = chat
    who = Mention(id="ou_7d8a6e6df7621556ce0d21922b676706", name="Ana Souza")
    message = replace(MESSAGE, mention=who)

    _, outcome = await send(
        http, channel, ADAPTERS[channel].build(message, endpoint(base_url, channel), datetime.now(UTC))
    )
    _, unmentioned = await send(
        http, channel, ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))
    )

    assert outcome.delivered, inbox.rejected
    assert unmentioned.delivered, inbox.rejected
    mentioned, plain = inbox.of(channel)
    assert _mentions(channel, mentioned.payload, who)
    assert who.id not in json.dumps(plain.payload), "no mention without a chat identity"


@pytest.mark.parametrize("channel", ["slack", "wecom", "dingtalk", "feishu"])
@pytest.mark.parametrize("handle", ["all", "ALL", "here", "x></at><at id=all", "u1> <!channel"])
def test_a_chat_handle_that_names_a_whole_group_or_breaks_the_markup_mentions_no_one(channel: str, handle: str) -> None:
    request = ADAPTERS[channel].build(
        replace(MESSAGE, mention=Mention(id=handle, name="Ana")),
        endpoint("http://127.0.0.1:9", channel),
        datetime.now(UTC),
    )
    sent = request.body.decode()
    assert handle not in sent
    assert "<at" not in sent
    assert "<@" not in sent
    assert '"isAtAll":true' not in sent


def test_a_teams_display_name_with_angle_brackets_cannot_end_the_mention_tag_early() -> None:
    who = Mention(id="29:1a2b", name="Ana <Sales> Souza")
    request = ADAPTERS["teams"].build(
        replace(MESSAGE, mention=who), endpoint("http://127.0.0.1:9", "teams"), datetime.now(UTC)
    )

    card = json.loads(request.body)["attachments"][0]["content"]
    [entity] = card["msteams"]["entities"]
    assert entity["text"] == "<at>Ana Sales Souza</at>"
    assert entity["mentioned"] == {"id": "29:1a2b", "name": "Ana <Sales> Souza"}
    assert card["body"][1]["text"].startswith(entity["text"] + " ")


async def test_webhook_payload_carries_the_notification_identity(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    request = ADAPTERS["webhook"].build(MESSAGE, endpoint(base_url, "webhook"), datetime.now(UTC))

    await send(http, "webhook", request)

    [post] = inbox.of("webhook")
    assert {k: post.payload[k] for k in ("event_type", "recipient_id", "notification_id")} == {
        "event_type": "GoalAtRisk",
        "recipient_id": "person-17",
        "notification_id": "n-0001",
    }
    assert post.headers["x-pacer-signature"].startswith("sha256=")


def tamper(channel: str, request: ChatRequest) -> ChatRequest:
    if channel == "dingtalk":
        wrong = dingtalk_sign(int(parse_qs(urlsplit(request.url).query)["timestamp"][0]), "SECnot-the-secret")
        url = request.url.split("&sign=")[0] + "&sign=" + httpx.QueryParams({"s": wrong}).get("s", "")
        return ChatRequest(url, request.headers, request.body)
    if channel == "feishu":
        payload = json.loads(request.body)
        payload["sign"] = payload["sign"][::-1]
        return ChatRequest(request.url, request.headers, json.dumps(payload).encode())
    # webhook: the body changed after signing, as a man in the middle would change it
    return ChatRequest(request.url, request.headers, request.body.replace(b"62%", b"99%"))


@pytest.mark.parametrize("channel", ["dingtalk", "feishu", "webhook"])
async def test_a_tampered_signature_is_rejected_and_judged_permanent(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str
) -> None:
    base_url, inbox = chat
    request = tamper(channel, ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC)))

    response, outcome = await send(http, channel, request)

    assert inbox.of(channel) == []
    [rejection] = inbox.rejected_of(channel)
    assert "signature" in rejection.reason
    assert not outcome.delivered
    assert not outcome.retryable
    expected_code = {"dingtalk": "310000", "feishu": "19021", "webhook": "HTTP 401"}[channel]
    assert expected_code in outcome.reason
    if channel != "webhook":
        assert response.status_code == 200  # the vendors say no inside a 200


@pytest.mark.parametrize(
    ("channel", "age", "secret"),
    [
        ("dingtalk", timedelta(hours=1, minutes=5), None),
        ("feishu", timedelta(hours=1, minutes=5), None),
        ("webhook", timedelta(minutes=6), None),
        ("dingtalk", timedelta(0), "SECa-different-secret"),
    ],
)
async def test_stale_timestamps_and_wrong_secrets_are_refused(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str, age: timedelta, secret: str | None
) -> None:
    base_url, inbox = chat
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel, secret), datetime.now(UTC) - age)

    _, outcome = await send(http, channel, request)

    assert inbox.of(channel) == []
    assert len(inbox.rejected_of(channel)) == 1
    assert (outcome.delivered, outcome.retryable) == (False, False)


async def test_a_signed_post_from_a_few_minutes_ago_is_still_accepted(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    earlier = datetime.now(UTC) - timedelta(minutes=4)
    for channel in ("dingtalk", "feishu", "webhook"):
        request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), earlier)
        _, outcome = await send(http, channel, request)
        assert outcome.delivered, outcome.reason
    assert [post.channel for post in inbox.accepted] == ["dingtalk", "feishu", "webhook"]


def test_dingtalk_signature_matches_the_documented_algorithm() -> None:
    # Reference vector from an independent implementation (docs.rs "dingding" crate, signature.rs):
    # timestamp 1700000000000, secret "secret".
    request = ADAPTERS["dingtalk"].build(
        MESSAGE,
        ChatEndpoint("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "secret"),
        datetime.fromtimestamp(1_700_000_000, UTC),
    )
    assert request.url == (
        "https://oapi.dingtalk.com/robot/send?access_token=t"
        "&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    )


async def test_a_429_with_retry_after_is_retryable_and_the_retry_then_lands(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    inbox.fail_next("slack", 429, "rate_limited", headers={"Retry-After": "7"})
    request = ADAPTERS["slack"].build(MESSAGE, endpoint(base_url, "slack"), datetime.now(UTC))

    _, first = await send(http, "slack", request)
    _, second = await send(http, "slack", request)

    assert (first.delivered, first.retryable, first.retry_after) == (False, True, 7.0)
    assert second.delivered
    assert len(inbox.of("slack")) == 1


async def test_retry_after_as_an_http_date_becomes_seconds(chat: tuple[str, Inbox], http: httpx.AsyncClient) -> None:
    base_url, inbox = chat
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    inbox.fail_next("teams", 429, "", headers={"Retry-After": when})
    request = ADAPTERS["teams"].build(MESSAGE, endpoint(base_url, "teams"), datetime.now(UTC))

    _, outcome = await send(http, "teams", request)

    assert outcome.retryable
    assert outcome.retry_after is not None
    assert 25 <= outcome.retry_after <= 30


@pytest.mark.parametrize(
    ("channel", "answer", "status", "delay"),
    [
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, 200, 60.0),
        ("dingtalk", {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, 200, 600.0),
        ("feishu", {"code": 9499, "msg": "too many request", "data": {}}, 400, None),
        ("feishu", {"code": 11232, "msg": "frequency limited", "data": {}}, 200, None),
    ],
)
async def test_vendor_rate_limit_codes_are_retryable_with_the_delay(
    chat: tuple[str, Inbox],
    http: httpx.AsyncClient,
    channel: str,
    answer: dict[str, Any],
    status: int,
    delay: float | None,
) -> None:
    base_url, inbox = chat
    inbox.fail_next(channel, status, answer)
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))

    _, outcome = await send(http, channel, request)

    assert (outcome.delivered, outcome.retryable, outcome.retry_after) == (False, True, delay)
    assert str(answer.get("errcode", answer.get("code"))) in outcome.reason


async def test_a_retry_after_header_wins_over_the_vendor_default(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    inbox.fail_next("feishu", 429, {"code": 99991400, "msg": "request trigger frequency limit"}, {"Retry-After": "3"})
    request = ADAPTERS["feishu"].build(MESSAGE, endpoint(base_url, "feishu"), datetime.now(UTC))

    _, outcome = await send(http, "feishu", request)

    assert (outcome.retryable, outcome.retry_after) == (True, 3.0)


@pytest.mark.parametrize(
    ("channel", "status", "answer"),
    [
        ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
        ("dingtalk", 200, {"errcode": 310000, "errmsg": "keywords not in content"}),
        ("feishu", 400, {"code": 9499, "msg": "Bad Request", "data": {}}),
        ("slack", 404, "no_service"),
        ("slack", 403, "action_prohibited"),
        ("teams", 400, {"error": {"code": "TriggerInputSchemaMismatch", "message": "bad"}}),
    ],
)
async def test_permanent_vendor_errors_are_not_retried(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str, status: int, answer: Any
) -> None:
    base_url, inbox = chat
    inbox.fail_next(channel, status, answer)
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))

    _, outcome = await send(http, channel, request)

    assert (outcome.delivered, outcome.retryable) == (False, False)


@pytest.mark.parametrize("channel", ["slack", "teams", "wecom", "dingtalk", "feishu", "webhook"])
async def test_server_errors_are_retryable(chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str) -> None:
    base_url, inbox = chat
    inbox.fail_next(channel, 503, "upstream unavailable", times=2)
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))

    outcomes = [(await send(http, channel, request))[1] for _ in range(3)]

    assert [(o.delivered, o.retryable) for o in outcomes] == [(False, True), (False, True), (True, False)]
    assert inbox.programmed == [(channel, 503), (channel, 503)]


@pytest.mark.parametrize("channel", ["wecom", "dingtalk", "feishu", "slack", "teams"])
async def test_an_html_page_with_200_is_a_failed_attempt_not_a_delivery(
    chat: tuple[str, Inbox], http: httpx.AsyncClient, channel: str
) -> None:
    base_url, inbox = chat
    inbox.garbage_next(channel)
    request = ADAPTERS[channel].build(MESSAGE, endpoint(base_url, channel), datetime.now(UTC))

    response, outcome = await send(http, channel, request)

    assert response.status_code == 200
    assert (outcome.delivered, outcome.retryable) == (False, True)
    assert "Bad Gateway" in outcome.reason
    assert len(outcome.reason) < 300
    assert inbox.accepted == []


@pytest.mark.parametrize("channel", ["slack", "teams", "wecom", "dingtalk", "feishu", "webhook"])
@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe\x00garbage", b"[1, 2", b'"just a string"', b"[]", b"{" * 100_000, b"<html>" + b"x" * 5000],
)
def test_judge_never_raises_on_bad_bodies(channel: str, body: bytes) -> None:
    for status in (200, 202, 400, 429, 500):
        outcome = ADAPTERS[channel].judge(status, {"Retry-After": "soon"}, body)
        assert isinstance(outcome, Outcome)
        assert len(outcome.reason) < 300
        if status >= 400 and status != 429 and status < 500:
            assert not outcome.retryable


async def test_slack_rejects_a_payload_that_breaks_block_kit_and_judge_says_permanent(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    broken = {"text": "x", "blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "*not plain*"}}]}
    request = ChatRequest(f"{base_url}/slack", {"Content-Type": "application/json"}, json.dumps(broken).encode())

    response, outcome = await send(http, "slack", request)

    assert (response.status_code, response.text) == (400, "invalid_blocks")
    assert (outcome.delivered, outcome.retryable) == (False, False)
    assert "invalid_blocks" in outcome.reason
    [rejection] = inbox.rejected_of("slack")
    assert "header" in rejection.reason


def test_slack_markdown_becomes_mrkdwn() -> None:
    converted = slack_mrkdwn(
        "# Weekly pace\n"
        "**Deal** closed by *Ana*: [Acme & Co](https://crm.example/d?id=1&x=2) is > 5 <b>k</b>\n"
        "- first\n"
        "> quoted ~~old~~ value\n"
        "`**code** stays`"
    )
    assert converted == (
        "*Weekly pace*\n"
        "*Deal* closed by _Ana_: <https://crm.example/d?id=1&amp;x=2|Acme &amp; Co> is &gt; 5 &lt;b&gt;k&lt;/b&gt;\n"
        "• first\n"
        "> quoted ~old~ value\n"
        "`**code** stays`"
    )


async def test_long_messages_are_cut_to_each_vendor_limit_and_still_accepted(
    chat: tuple[str, Inbox], http: httpx.AsyncClient
) -> None:
    base_url, inbox = chat
    long = ChatMessage(
        title="季度目标" * 100,
        markdown="\n\n".join(f"**第{i}段** 销售进度说明，目标完成率 62%。" * 20 for i in range(40)),
        plain="销售进度" * 5000,
        link="https://pacer.example/goals/g-1",
        facts=[(f"指标{i}", "62%") for i in range(12)],
    )
    for channel in ("slack", "teams", "wecom", "dingtalk", "feishu"):
        request = ADAPTERS[channel].build(long, endpoint(base_url, channel), datetime.now(UTC))
        _, outcome = await send(http, channel, request)
        assert outcome.delivered, (channel, outcome.reason, inbox.rejected_of(channel))
    content = inbox.of("wecom")[0].payload["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…") or "Open in Pacer" in content
    slack_blocks = inbox.of("slack")[0].payload["blocks"]
    assert slack_blocks[0]["text"]["text"].endswith("…")
    assert len(slack_blocks[0]["text"]["text"]) == 150
    assert len(inbox.of("feishu")[0].payload["card"]["elements"][0]["text"]["content"]) < 20_000


def test_wecom_limit_is_counted_in_utf8_bytes_not_characters() -> None:
    message = ChatMessage(title="t", markdown="目" * 3000, plain="")
    request = WeComAdapter().build(
        message, ChatEndpoint("wecom", "https://qyapi.weixin.qq.com/x?key=k"), datetime.now(UTC)
    )
    content = json.loads(request.body)["markdown"]["content"]
    assert 4000 < len(content.encode()) <= 4096
    assert content.endswith("…")
