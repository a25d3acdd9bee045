"""ActivityDropped from analytics reaches the assistant's manager, once, in the manager's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from notifications_support import Notifier

from pacer_notifications.adapters.channels.user_text import plain
from pacer_notifications.service.rendering import Renderer
from pacer_shared.events.analytics import ActivityDropped


def activity_dropped(kind: str = "call", recent: int = 1) -> ActivityDropped:
    return ActivityDropped(
        assistant_id="ann",
        kind=kind,
        week="2026-W42",
        checked_on=date(2026, 10, 14),
        recent_from=date(2026, 10, 7),
        recent_to=date(2026, 10, 13),
        recent_count=recent,
        baseline_from=date(2026, 9, 9),
        baseline_to=date(2026, 10, 6),
        weekly_average=Decimal(4),
        threshold=Decimal("0.5"),
        ratio=Decimal(recent) / 4,
    )


async def test_a_drop_reaches_the_manager_not_the_assistant_and_a_redelivery_sends_nothing_more(
    notifier: Notifier,
) -> None:
    [event] = await notifier.publish(activity_dropped())
    await notifier.redeliver(activity_dropped(), event)  # at least once: analytics may send the same id again
    await notifier.publish(activity_dropped("quote_sent", 0))

    posts = await notifier.posts("dingtalk", count=2)  # Mia, ann's manager, reads her messages in DingTalk
    titles = sorted(post.payload["markdown"]["title"] for post in posts)
    assert titles == ["Activity dropped: Ann Assistant, call", "Activity dropped: Ann Assistant, quote_sent"]
    [call] = [post for post in posts if post.payload["markdown"]["title"].endswith("call")]
    assert "recorded 1 × call from Oct 7, 2026 to Oct 13, 2026, against 4 a week" in call.payload["markdown"]["text"]
    assert "25%" in call.payload["markdown"]["text"]

    events = await notifier.notification_events(lambda rs: len(rs) >= 2)
    delivered = [
        (e["data"]["recipient_id"], e["data"]["channel"]) for e in events if e["type"] == "NotificationDelivered"
    ]
    assert delivered == [("mia", "dingtalk"), ("mia", "dingtalk")], "the manager only, once per event"
    assert not notifier.mailbox.to("ann@example.com"), "a warning about someone is for their manager"
    assert len(notifier.inbox.of("dingtalk")) == 2


def test_the_warning_reads_in_chinese_with_local_dates() -> None:
    data = activity_dropped().model_dump(mode="json")
    message = Renderer().render("activity_dropped", "zh-CN", "Asia/Shanghai", data=data, about={"display_name": "安"})
    assert plain(message.subject) == "活动量下降：安，call"
    assert "2026年10月7日 至 2026年10月13日 记录了 1 次 call，此前四周平均每周 4 次（为平常一周的 25%）" in plain(
        message.body
    )
