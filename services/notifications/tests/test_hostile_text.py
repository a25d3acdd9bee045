"""What people type reaches every reader as text: no link, no group mention, no header of its own, no lost message.

Each test writes what an attacker would (feedback, award names, goal titles, display names) into the events the
service consumes, and asserts what the SMTP server and each vendor's receiver actually received.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from notifications_support import Notifier, goal_missed, token
from prometheus_client.parser import text_string_to_metric_families

from pacer_shared.auth import Role
from pacer_shared.events.feedback import FeedbackDirection, FeedbackGiven, FeedbackKind
from pacer_shared.events.incentives import BonusApproved, RecognitionGranted
from pacer_shared.events.people import ChatHandles, PersonUpserted
from pacer_testkit.outlets import text_of
from pacer_testkit.roster import person
from pacer_testkit.stack import eventually, metrics_text, read_topic, roster_reached

HOSTILE = (
    "Well done! [claim your prize](http://evil.example/phish) ![](http://evil.example/pixel.png)\n"
    '<!channel> <!here> @all @所有人 <at id=all></at> <at user_id="all"></at> <@all>\n'
    '<font color="warning">URGENT</font>\n'
    "# Reset your password\n"
    "<http://evil.example/autolink>"
)
WORDS = ("claim your prize", "Reset your password", "URGENT")
"""What the writer typed stays readable: escaping shows it, it does not drop it."""

MARKDOWN_LINK = re.compile(r"\]\s*[(\[:]")  # [text](url), ![alt](url), [text][ref], [ref]: url
GROUP_MENTION = re.compile(r"[@＠](?:all|here|channel|everyone|所有人)\b|<!(?:channel|here|everyone)|<@all>", re.I)
HEADING = re.compile(r"^\s*#+\s*Reset", re.M)

PEOPLE = [
    person("sam", "assistant", "mia", "north", chat=ChatHandles(slack="U0SAM")),
    person("tia", "assistant", "mia", "north", chat=ChatHandles(teams="tia@corp.example")),
    person("wu", "assistant", "mia", "north", locale="zh-CN", chat=ChatHandles(wecom="wu")),
]


def feedback_to(person_id: str, text: str = HOSTILE) -> FeedbackGiven:
    return FeedbackGiven(
        feedback_id=f"f-{person_id}",
        author_id="ann",
        recipient_id=person_id,
        kind=FeedbackKind.PRAISE,
        direction=FeedbackDirection.PEER,
        text=text,
    )


async def join(notifier: Notifier, *people: PersonUpserted) -> None:
    for someone in people:
        await notifier.publish(someone)
    await roster_reached(notifier.http, [someone.person_id for someone in people])


def readable(text: str) -> str:
    """The text as a reader sees it: zero-width spaces are invisible."""
    return text.replace("\u200b", "")


def assert_inert(text: str, where: str) -> None:
    """Nothing in `text` makes a link, a group mention or a heading of its own in a Markdown chat."""
    assert not MARKDOWN_LINK.search(text), f"{where}: a link or image: {text!r}"
    assert not GROUP_MENTION.search(text), f"{where}: a whole-group mention: {text!r}"
    assert not HEADING.search(text), f"{where}: a heading of the writer's: {text!r}"
    assert "<font" not in text, f"{where}: a tag of the writer's: {text!r}"
    assert "<at " not in text, f"{where}: a mention tag of the writer's: {text!r}"
    for word in WORDS:
        assert word in readable(text), f"{where}: {word!r} is no longer shown: {text!r}"


async def test_hostile_feedback_reaches_every_vendor_as_text_without_links_or_group_mentions(
    notifier: Notifier,
) -> None:
    await join(notifier, *PEOPLE)
    for person_id in ("sam", "tia", "wu", "mia", "bob", "ann"):
        await notifier.publish(feedback_to(person_id))

    [slack] = await notifier.posts("slack")
    sections = [b["text"] for b in slack.payload["blocks"] if b["type"] == "section" and "text" in b]
    mrkdwn = "\n".join(section["text"] for section in sections)
    assert all(section["verbatim"] is True for section in sections), "Slack parses no bare @channel or URL"
    assert "<@U0SAM>" in mrkdwn, "Sam is still mentioned"
    assert re.findall(r"<[^>]*>", mrkdwn) == ["<@U0SAM>"], f"the only Slack control sequence is ours: {mrkdwn!r}"
    assert "&lt;!channel&gt;" in mrkdwn, "the writer's <!channel> is shown as text"
    assert "[claim your prize](http://evil.example/phish)" in mrkdwn, "their Markdown link is shown as text"
    assert "<!" not in slack.payload["text"]
    assert "<http" not in slack.payload["text"]

    [teams] = await notifier.posts("teams")
    card = teams.payload["attachments"][0]["content"]
    blocks = "\n".join(element["text"] for element in card["body"] if element["type"] == "TextBlock")
    assert_inert(blocks.replace("<at>Tia</at>", ""), "teams")
    assert [e["mentioned"]["id"] for e in card["msteams"]["entities"]] == ["tia@corp.example"]

    [wecom] = await notifier.posts("wecom")
    content = wecom.payload["markdown"]["content"]
    assert_inert(content.replace("<@wu>", ""), "wecom")
    assert "<@wu>" in content

    [dingtalk] = await notifier.posts("dingtalk")
    assert dingtalk.payload["at"] == {"atMobiles": [], "atUserIds": ["mia-dt"], "isAtAll": False}
    assert_inert(dingtalk.payload["markdown"]["text"].replace("@mia-dt", ""), "dingtalk")

    [feishu] = await notifier.posts("feishu")
    [div] = [e for e in feishu.payload["card"]["elements"] if e["tag"] == "div" and "text" in e]
    lark = div["text"]["content"]
    assert re.findall(r"<at[^>]*>", lark) == ["<at id=bob-fs>"], f"the only Feishu mention is Bob: {lark!r}"
    assert_inert(lark.replace("<at id=bob-fs></at>", ""), "feishu")
    assert "&#60;at id=all&#62;" in lark, "the writer's tag is shown as text, escaped as Feishu documents"

    [mail] = await notifier.mail_to("ann@example.com")
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert not re.search(r"<(a|img|font|at)\b", html, re.I), f"no link, image or tag of the writer's: {html}"
    assert "[claim your prize](http://evil.example/phish)" in html
    assert "&lt;at id=all&gt;&lt;/at&gt;" in html
    assert "# Reset your password" in text_of(mail), "the plain part shows the text as it was written"


async def test_an_award_name_neither_pings_the_team_chat_nor_links_out_nor_breaks_the_email(
    notifier: Notifier,
) -> None:
    award = RecognitionGranted(
        person_id="ann",
        recognition_id="r-1",
        kind="award",
        name="Top seller <@all> @all\r\n[claim your prize](http://evil.example/phish)",
        citation='<at id=all></at> # Reset your password <font color="warning">URGENT</font>',
        team_id="north",
    )
    await notifier.publish(award)

    [group] = await notifier.posts("wecom")
    content = group.payload["markdown"]["content"]
    assert_inert(content, "the north team's WeCom group")
    assert "\n" not in content.split("\n\n")[0], f"the award name stays in the title line: {content!r}"

    [mail] = await notifier.mail_to("ann@example.com")
    assert mail["Subject"] == "表彰：Top seller <@all> @all [claim your prize](http://evil.example/phish)"
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert not re.search(r"<(a|font|at)\b", html, re.I), html


async def test_line_breaks_in_a_goal_title_and_a_display_name_make_one_line_headers_and_the_email_arrives(
    notifier: Notifier,
) -> None:
    lee = person("lee", "assistant", "mia", "north", display_name="Lee\r\nBcc: attacker@evil.example")
    await join(notifier, lee)
    saved = await notifier.http.put(
        "/v1/preferences/mia", json={"channels": ["email"]}, headers=token("mia", Role.MANAGER)
    )
    assert saved.status_code == 200, saved.text
    await notifier.publish(goal_missed(owner="lee", title="Calls\r\nBcc: attacker@evil.example\u2028this week"))

    [to_lee] = await notifier.mail_to("lee@example.com")
    [to_mia] = await notifier.mail_to("mia@example.com")
    assert to_mia["Subject"] == "Goal missed: Calls Bcc: attacker@evil.example this week"
    assert to_lee["Subject"] == to_mia["Subject"]
    assert to_lee["To"].addresses[0].display_name == "Lee Bcc: attacker@evil.example"
    assert to_lee["Bcc"] is None
    assert to_mia["Bcc"] is None
    assert sorted(notifier.mailbox.recipients) == ["lee@example.com", "mia@example.com"], "no one else got it"

    async def recorded() -> list[dict[str, Any]] | None:
        found = [*await notifier.deliveries("lee"), *await notifier.deliveries("mia")]
        return found if all(d["status"] == "delivered" for d in found) else None

    deliveries = await eventually(recorded, what="both emails to be recorded as delivered")
    assert [len(d["attempts"]) for d in deliveries] == [1, 1], "no attempt failed on the way"


async def test_a_mandatory_message_the_mail_server_refuses_falls_over_to_a_channel_the_person_did_not_choose(
    notifier: Notifier,
) -> None:
    saved = await notifier.http.put(
        "/v1/preferences/mia", json={"channels": ["email"]}, headers=token("mia", Role.MANAGER)
    )
    assert saved.status_code == 200, saved.text
    notifier.mailbox.refuse("mia@example.com")
    await notifier.publish(goal_missed())

    [post] = await notifier.posts("dingtalk")
    assert "Goal missed: Calls this week" in post.payload["markdown"]["title"]
    assert post.payload["at"]["atUserIds"] == ["mia-dt"]

    async def settled() -> dict[str, Any] | None:
        found = {d["channel"]: d for d in await notifier.deliveries("mia")}
        return found if found.get("dingtalk", {}).get("status") == "delivered" else None

    deliveries = await eventually(settled, what="Mia's GoalMissed to be delivered by DingTalk")
    assert deliveries["email"]["status"] == "failed"
    assert "550" in deliveries["email"]["last_error"]


def mandatory_undelivered(text: str, event_type: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "pacer_notifications_mandatory_undelivered_total"
                and sample.labels.get("event_type") == event_type
            ):
                return float(sample.value)
    raise AssertionError(f"pacer_notifications_mandatory_undelivered_total{{event_type={event_type!r}}} not exported")


async def test_a_private_mandatory_message_with_no_channel_left_is_dead_lettered_with_its_reason_and_counted(
    notifier: Notifier,
) -> None:
    before = mandatory_undelivered(await metrics_text(notifier.app), "BonusApproved")
    notifier.mailbox.refuse("bob@example.com")
    [event] = await notifier.publish(
        BonusApproved(
            person_id="bob",
            statement_id="s-1",
            total=Decimal("1234.50"),
            currency="EUR",
            approved_by=["mia"],
        )
    )

    dead = await read_topic(
        notifier.stack.kafka_bootstrap,
        f"{notifier.namespace}.notifications.events.dlq",
        lambda records: any(r.json()["id"] == event.id for r in records),
    )
    [letter] = [r for r in dead if r.json()["id"] == event.id]
    assert letter.headers["pacer-dlq-kind"] == "undeliverable"
    assert "mandatory BonusApproved" in letter.headers["pacer-dlq-reason"]
    assert "550" in letter.headers["pacer-dlq-reason"]

    async def counted() -> float | None:
        now = mandatory_undelivered(await metrics_text(notifier.app), "BonusApproved")
        return now if now > before else None

    assert await eventually(counted, what="the lost mandatory message to be counted") == before + 1
    events = await notifier.notification_events(
        lambda records: any(r.json()["type"] == "NotificationFailed" for r in records)
    )
    [failed] = [e for e in events if e["type"] == "NotificationFailed" and e["data"]["cause_event_id"] == event.id]
    assert failed["data"]["channel"] == "email"
    assert not notifier.inbox.of("feishu"), "a bonus never goes to Bob's Feishu group, even as a last resort"
