"""Events become messages by email and chat, in the reader's language, never twice, retried, failed over."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from asgi_lifespan import LifespanManager
from notifications_support import Notifier, goal_missed, token
from pymongo import AsyncMongoClient

from pacer_notifications.domain.preferences import CHANNELS
from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.auth import Role
from pacer_shared.events.goals import (
    GoalAtRisk,
    GoalCheckInDue,
    GoalCheckInOverdue,
    GoalCheckInRecorded,
    GoalNote,
    WeekSummary,
)
from pacer_shared.events.incentives import BonusCalculated, RecognitionGranted
from pacer_shared.events.people import ChatHandles, PersonUpserted
from pacer_testkit.stack import Stack, eventually, metrics_text, read_topic, roster_reached


async def test_goal_missed_reaches_the_assistant_by_email_and_the_manager_by_chat_in_their_languages(
    notifier: Notifier,
) -> None:
    [event] = await notifier.publish(goal_missed())

    [mail] = await notifier.mail_to("ann@example.com")
    assert mail["Subject"] == "目标未达成：Calls this week"
    assert "差 9" in mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "<strong>Ann Assistant</strong>" in mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]

    [post] = await notifier.posts("dingtalk")
    assert post.signed, "DingTalk's receiver checked the timestamp signature"
    assert post.payload["msgtype"] == "markdown"
    assert "Goal missed: Calls this week" in post.payload["markdown"]["title"]
    assert "short by 9" in post.payload["markdown"]["text"]
    assert post.payload["at"]["atUserIds"] == ["mia-dt"], "Mia's DingTalk client alerts her"
    assert "@mia-dt" in post.payload["markdown"]["text"]
    assert not notifier.mailbox.to("mia@example.com"), "Mia prefers chat: no email as well"

    events = await notifier.notification_events(lambda rs: len(rs) >= 2)
    delivered = {
        (e["data"]["recipient_id"], e["data"]["channel"]) for e in events if e["type"] == "NotificationDelivered"
    }
    assert delivered == {("ann", "email"), ("mia", "dingtalk")}
    assert {e["data"]["cause_event_id"] for e in events} == {event.id}


async def test_the_same_event_delivered_twice_sends_once(notifier: Notifier) -> None:
    [event] = await notifier.publish(goal_missed())
    await notifier.redeliver(goal_missed(), event)
    await notifier.publish(goal_missed(title="Sentinel"))
    await notifier.mail_to("ann@example.com", count=2)
    subjects = sorted(str(m["Subject"]) for m in notifier.mailbox.to("ann@example.com"))
    assert subjects == ["目标未达成：Calls this week", "目标未达成：Sentinel"]


async def test_messages_in_line_behind_a_slow_server_are_sent_once_however_long_they_wait(
    notifier: Notifier, stack: Stack, namespace: str
) -> None:
    titles = ["First", "Second", "Third"]
    with notifier.mailbox.held():  # the SMTP server keeps the first message waiting; the others wait in line
        for title in titles:
            await notifier.publish(goal_missed(title=title))

        async def in_line() -> bool:
            mails = [d for d in await notifier.deliveries("ann") if d["channel"] == "email"]
            return notifier.mailbox.waiting == 1 and len(mails) == 3 and all(d["status"] == "sending" for d in mails)

        await eventually(in_line, what="one email at the server and two in line")
        notifier.clock.advance(timedelta(minutes=5))  # longer than a claim's lease
        async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
            deliveries = client[f"{namespace}_notifications"]["deliveries"]

            async def renewed() -> bool:
                held = await deliveries.find({"recipient_id": "ann", "channel": "email"}).to_list()
                return all(d["lease_until"].replace(tzinfo=UTC) > notifier.clock.now() for d in held)

            await eventually(renewed, what="the leases to outlast the moved clock")
    await notifier.publish(goal_missed(title="Sentinel"))  # in line after the others: sent once they all are

    async def sentinel_arrived() -> bool:
        return any("Sentinel" in str(m["Subject"]) for m in notifier.mailbox.to("ann@example.com"))

    await eventually(sentinel_arrived, what="the email put in line last")
    subjects = sorted(str(m["Subject"]) for m in notifier.mailbox.to("ann@example.com"))
    assert subjects == sorted(f"目标未达成：{title}" for title in [*titles, "Sentinel"]), "each sent once"


async def test_a_receiver_failing_twice_then_succeeding_yields_one_message_and_three_attempts(
    notifier: Notifier,
) -> None:
    notifier.inbox.fail_next("dingtalk", 503, "upstream busy", times=2)
    await notifier.publish(goal_missed())
    await notifier.posts("dingtalk")

    async def settled() -> dict[str, object] | None:
        [delivery] = [d for d in await notifier.deliveries("mia") if d["channel"] == "dingtalk"]
        return delivery if delivery["status"] == "delivered" else None

    delivery = await eventually(settled, what="Mia's delivery to be recorded as delivered")
    assert [a["delivered"] for a in delivery["attempts"]] == [False, False, True]  # type: ignore[index]
    assert len(notifier.inbox.of("dingtalk")) == 1


async def test_a_permanent_failure_fails_over_to_the_next_channel(notifier: Notifier) -> None:
    saved = await notifier.http.put(
        "/v1/preferences/mia", json={"channels": ["dingtalk", "email"]}, headers=token("mia", Role.MANAGER)
    )
    assert saved.status_code == 200, saved.text
    notifier.inbox.fail_next("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"})
    await notifier.publish(goal_missed())

    [mail] = await notifier.mail_to("mia@example.com")
    assert mail["Subject"] == "Goal missed: Calls this week"
    deliveries = {d["channel"]: d for d in await notifier.deliveries("mia")}
    assert deliveries["dingtalk"]["status"] == "failed"
    assert "310000" in deliveries["dingtalk"]["last_error"]
    assert len(deliveries["dingtalk"]["attempts"]) == 1, "a permanent error is not retried"
    await eventually(lambda: _status(notifier, "mia", "email", "delivered"), what="the email delivery recorded")


async def test_quiet_hours_defer_a_message_until_they_end(notifier: Notifier) -> None:
    local = notifier.clock.now().astimezone(ZoneInfo("Asia/Shanghai"))
    start, end = (local - timedelta(hours=1)).strftime("%H:00"), (local + timedelta(hours=2)).strftime("%H:00")
    saved = await notifier.http.put(
        "/v1/preferences/ann", json={"quiet_hours": {"start": start, "end": end}}, headers=token("ann", Role.ASSISTANT)
    )
    assert saved.status_code == 200, saved.text

    now = notifier.clock.now()
    await notifier.publish(
        GoalAtRisk(
            goal_id="g1",
            owner_id="ann",
            title="Calls",
            period_start=now,
            period_end=now + timedelta(days=3),
            target=Decimal(10),
            actual=Decimal(2),
            expected_by_now=Decimal(5),
            pace_ratio=Decimal("0.4"),
            level=Decimal("0.6"),
        )
    )
    deferred = await eventually(
        lambda: _status(notifier, "ann", "email", "pending"), what="the at-risk message to be deferred"
    )
    assert deferred["deferred"] == "quiet_hours"
    assert not notifier.mailbox.to("ann@example.com")

    notifier.clock.advance(timedelta(hours=3))
    [mail] = await notifier.mail_to("ann@example.com")
    assert mail["Subject"] == "进度预警：Calls"


async def test_a_digest_batches_several_low_priority_messages_into_one(notifier: Notifier) -> None:
    saved = await notifier.http.put(
        "/v1/preferences/ann", json={"digest": {"frequency": "daily", "hour": 18}}, headers=token("ann", Role.ASSISTANT)
    )
    assert saved.status_code == 200, saved.text
    # Noon in Ann's zone (Asia/Shanghai), so that 18:00 does not pass while the items are being routed.
    tomorrow = notifier.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    notifier.clock.set(datetime.combine(tomorrow, time(12), tzinfo=ZoneInfo("Asia/Shanghai")))
    now = notifier.clock.now()
    for week in range(3):
        await notifier.publish(
            GoalCheckInDue(
                owner_id="ann",
                week_start=now - timedelta(days=7 * week),
                goals={
                    "g1": WeekSummary(
                        activity_counts={"call": week + 1},
                        progress=Decimal(week),
                        target=Decimal(10),
                        expected_by_now=Decimal(5),
                    )
                },
            )
        )
    await eventually(lambda: _count(notifier, "ann", 3), what="three digest items to wait")
    assert not notifier.mailbox.to("ann@example.com")

    notifier.clock.advance(timedelta(days=1, hours=1))
    [digest] = await notifier.mail_to("ann@example.com")
    assert digest["Subject"] == "Pacer 汇总（3 条）"
    assert digest.get_body(preferencelist=("plain",)).get_content().count("本周例行回顾") == 3  # type: ignore[union-attr]


async def test_bonus_amounts_never_reach_a_group_channel(notifier: Notifier) -> None:
    now = notifier.clock.now()
    await notifier.publish(
        BonusCalculated(
            person_id="bob",
            statement_id="s1",
            period_start=now - timedelta(days=30),
            period_end=now,
            plan_id="p",
            plan_version=1,
            total=Decimal("8800.00"),
            currency="EUR",
        )
    )
    await notifier.publish(
        RecognitionGranted(person_id="bob", recognition_id="r1", kind="badge", name="Closer of the month")
    )

    [recognition] = await notifier.posts("wecom")
    assert "Closer of the month" in recognition.payload["markdown"]["content"]
    [mail] = await notifier.mail_to("bob@example.com")
    assert (
        "8.800,00" in mail.get_body(preferencelist=("plain",)).get_content()
        or "8,800.00" in mail.get_body(preferencelist=("plain",)).get_content()
    )  # type: ignore[union-attr]
    await notifier.posts("feishu")  # the recognition, on Bob's own chat
    everything_in_chat = [str(p.payload) for p in notifier.inbox.accepted]
    assert not any("8800" in text or "8,800" in text or "8.800" in text for text in everything_in_chat)


async def test_a_private_recognition_reaches_the_person_but_never_the_team_channel(notifier: Notifier) -> None:
    await notifier.publish(
        RecognitionGranted(person_id="bob", recognition_id="r-private", kind="award", name="Quiet hero", private=True)
    )
    await notifier.publish(
        RecognitionGranted(person_id="bob", recognition_id="r-public", kind="badge", name="Closer of the month")
    )

    own = await notifier.posts("feishu", count=2)  # Bob's own chat: both, in order
    assert ["Quiet hero" in str(post.payload) for post in own] == [True, False]
    [team] = await notifier.posts("wecom")  # the team channel: only the public one
    assert "Closer of the month" in team.payload["markdown"]["content"]


async def _status(notifier: Notifier, person: str, channel: str, status: str) -> dict[str, object] | None:
    found = [d for d in await notifier.deliveries(person) if d["channel"] == channel and d["status"] == status]
    return found[0] if found else None


async def _count(notifier: Notifier, person: str, count: int) -> bool:
    return len(await notifier.deliveries(person)) >= count


async def test_a_second_replica_and_a_replayed_event_never_send_twice(notifier: Notifier, clock: object) -> None:
    [event] = await notifier.publish(goal_missed())
    await notifier.mail_to("ann@example.com")
    replica = build(NotificationsSettings(), notifier.clock)
    async with LifespanManager(replica, startup_timeout=60, shutdown_timeout=60):
        await notifier.redeliver(goal_missed(), event)  # redelivered while two replicas share the group
        await notifier.publish(goal_missed(title="Sentinel"))
        await notifier.mail_to("ann@example.com", count=2)
    subjects = sorted(str(m["Subject"]) for m in notifier.mailbox.to("ann@example.com"))
    assert subjects == ["目标未达成：Calls this week", "目标未达成：Sentinel"]
    assert len(notifier.inbox.of("dingtalk")) == 2


async def test_an_event_about_someone_not_yet_in_the_roster_waits_for_them(notifier: Notifier) -> None:
    await notifier.publish(goal_missed(owner="zoe"))
    await eventually(lambda: _parked(notifier), what="the event to wait for Zoe")
    await notifier.publish(
        PersonUpserted(
            person_id="zoe",
            display_name="Zoe",
            email="zoe@example.com",
            role="assistant",
            manager_id="mia",
            locale="en",
        )
    )
    [mail] = await notifier.mail_to("zoe@example.com")
    assert mail["Subject"] == "Goal missed: Calls this week"


async def test_after_the_wait_an_event_goes_to_the_people_known_without_those_never_seen(notifier: Notifier) -> None:
    await notifier.publish(
        PersonUpserted(
            person_id="zed", display_name="Zed", email="zed@example.com", role="assistant", manager_id="ghost"
        )
    )
    await notifier.publish(goal_missed(owner="zed"))
    await eventually(lambda: _parked(notifier), what="the event to wait for Zed's manager")
    assert not notifier.mailbox.to("zed@example.com")
    notifier.clock.advance(timedelta(minutes=11))  # past UNKNOWN_PERSON_WAIT_SECONDS (600)
    [mail] = await notifier.mail_to("zed@example.com")
    assert "Calls this week" in str(mail["Subject"])


async def test_admins_can_check_a_channel_with_a_test_message(notifier: Notifier) -> None:
    # An internal mail domain is an address like any other: whether it takes mail is the mail server's business.
    sent = await notifier.http.post(
        "/v1/test-send", json={"channel": "email", "to": "ops@corp.local"}, headers=token("root", Role.ADMIN)
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["delivered"] is True
    [mail] = await notifier.mail_to("ops@corp.local")
    assert mail["Subject"] == "Pacer test message"
    malformed = await notifier.http.post(
        "/v1/test-send", json={"channel": "email", "to": "ops.corp.local"}, headers=token("root", Role.ADMIN)
    )
    assert malformed.status_code == 422
    assert "to" in malformed.json()["detail"]
    chat = await notifier.http.post("/v1/test-send", json={"channel": "feishu"}, headers=token("root", Role.ADMIN))
    assert chat.json()["delivered"] is True
    refused = await notifier.http.post(
        "/v1/test-send", json={"channel": "email", "to": "x@example.com"}, headers=token("mia", Role.MANAGER)
    )
    assert refused.status_code == 403


async def test_mandatory_types_cannot_be_turned_off(notifier: Notifier) -> None:
    response = await notifier.http.put(
        "/v1/preferences/ann", json={"disabled": {"GoalMissed": ["*"]}}, headers=token("ann", Role.ASSISTANT)
    )
    assert response.status_code == 422
    assert "GoalMissed cannot be turned off" in response.json()["detail"]
    other = await notifier.http.put("/v1/preferences/bob", json={}, headers=token("ann", Role.ASSISTANT))
    assert other.status_code == 403


async def _parked(notifier: Notifier) -> bool:
    runtime = notifier.http._transport.app.state.runtime  # type: ignore[attr-defined]
    return await runtime.db["parked_events"].count_documents({}) == 1  # type: ignore[no-any-return]


async def test_an_event_whose_people_never_appear_is_dead_lettered_after_the_wait(notifier: Notifier) -> None:
    [event] = await notifier.publish(goal_missed(owner="ghost"))
    await eventually(lambda: _parked(notifier), what="the event to wait for the roster")
    notifier.clock.advance(timedelta(minutes=11))  # past UNKNOWN_PERSON_WAIT_SECONDS (600)
    dead = await read_topic(
        notifier.stack.kafka_bootstrap, f"{notifier.namespace}.notifications.events.dlq", lambda rs: len(rs) >= 1
    )
    assert dead[0].json()["id"] == event.id
    assert dead[0].headers["pacer-dlq-kind"] == "unknown-person"
    assert "ghost" in dead[0].headers["pacer-dlq-reason"]


async def test_every_channels_outcome_counter_exists_before_its_first_message(notifier: Notifier) -> None:
    """The failure-ratio alert takes increase() over these counters, which cannot see a series' first sample: a
    channel's first failures after a start would not count if the series appeared with them."""
    text = await metrics_text(notifier.app)
    for channel in CHANNELS:
        for outcome in ("delivered", "failed"):
            assert f'pacer_notifications_total{{channel="{channel}",outcome="{outcome}"}}' in text, (channel, outcome)


async def test_a_chat_notification_s_plain_text_reads_without_markdown(notifier: Notifier) -> None:
    # Slack shows a message's `text` in the phone's notification and wherever blocks cannot be shown: the
    # template's `**bold**` must not reach the reader as asterisks there, while the blocks keep their mrkdwn.
    await notifier.publish(
        PersonUpserted(
            person_id="sam",
            display_name="Sam",
            email="sam@example.com",
            role="assistant",
            manager_id="mia",
            team_id="north",
            chat=ChatHandles(slack="U0SAM"),
        )
    )
    await roster_reached(notifier.http, ["sam"])
    await notifier.publish(goal_missed(owner="sam", title="Visits *this* week"))

    [post] = await notifier.posts("slack")
    text = post.payload["text"]
    assert text.startswith("<@U0SAM> Sam missed Visits *this* week: 31 of 40 calls, short by 9."), text
    assert "**" not in text
    assert "*Sam* missed *Visits *this* week*" in post.payload["blocks"][1]["text"]["text"]


async def test_a_recognition_for_a_company_value_names_the_value_in_both_languages(notifier: Notifier) -> None:
    await notifier.publish(
        RecognitionGranted(
            person_id="bob",
            recognition_id="r-value",
            kind="kudos",
            name="Kudos",
            citation="Stayed late to fix the quote.",
            value_id="customer-first",
            value_names={"en": "Customer first", "zh-CN": "客户第一"},
        )
    )

    [team] = await notifier.posts("wecom")
    content = team.payload["markdown"]["content"]
    assert "Customer first" in content
    assert "客户第一" in content


async def test_a_recorded_check_in_reaches_the_manager_and_a_missing_one_gets_a_gentle_reminder(
    notifier: Notifier,
) -> None:
    now = notifier.clock.now()
    await notifier.publish(
        GoalCheckInRecorded(
            checkin_id="c1",
            owner_id="ann",
            team_id="north",
            week_start=now - timedelta(days=7),
            due_at=now,
            recorded_at=now,
            goals=[GoalNote(goal_id="g1", title="Calls this week", progress_note="14 calls, two demos")],
            obstacles="the CRM was down on Tuesday",
            help_needed="a price list for the new range",
            confidence=4,
        ),
        GoalCheckInOverdue(checkin_id="c2", owner_id="cid", week_start=now - timedelta(days=7), due_at=now),
    )

    [post] = await notifier.posts("dingtalk")
    assert "Weekly check-in from Ann Assistant" in post.payload["markdown"]["title"]
    text = post.payload["markdown"]["text"]
    assert "Calls this week**: 14 calls, two demos" in text
    assert "Help needed: a price list for the new range" in text
    assert "Confidence: 4 of 5" in text
    assert not notifier.mailbox.to("ann@example.com"), "her own answer is not sent back to her"

    [reminder] = await notifier.mail_to("cid@example.com")
    assert reminder["Subject"] == "A gentle reminder: your weekly check-in"
    assert "your manager reads them before your next 1:1" in reminder.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
