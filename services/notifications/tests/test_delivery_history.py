"""A person's delivery history a page at a time, the failed ones alone, and an admin sending a failed one again."""

from __future__ import annotations

from typing import Any

from notifications_support import Notifier, goal_missed, token

from pacer_shared.auth import Role
from pacer_testkit.stack import eventually

ADMIN = token("root", Role.ADMIN)


async def _email_of_ann(notifier: Notifier, status: str) -> dict[str, Any] | None:
    found = [d for d in await notifier.deliveries("ann") if d["channel"] == "email" and d["status"] == status]
    return found[0] if found else None


async def _dead_email(notifier: Notifier) -> dict[str, Any]:
    """Ann's email about a missed goal, refused for good by her mail server (a permanent 550)."""
    notifier.mailbox.refuse("ann@example.com")
    await notifier.publish(goal_missed())
    return await eventually(lambda: _email_of_ann(notifier, "dead"), what="Ann's email given up")


async def test_the_history_pages_newest_first_and_filters_the_failed_ones(notifier: Notifier) -> None:
    published: dict[str, str] = {}
    titles = ["First", "Second", "Third"]
    for title in titles:
        [event] = await notifier.publish(goal_missed(title=title))
        published[title] = event.id
        await notifier.mail_to("ann@example.com", count=titles.index(title) + 1)  # so they are made in this order
    notifier.mailbox.refuse("ann@example.com")
    [refused] = await notifier.publish(goal_missed(title="Refused"))
    published["Refused"] = refused.id
    await eventually(lambda: _email_of_ann(notifier, "dead"), what="the refused email given up")

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"person_id": "ann", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await notifier.http.get("/v1/deliveries", params=params, headers=token("hana", Role.HR))
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) <= 2
        seen += [d["event_id"] for d in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [published[t] for t in ["Refused", "Third", "Second", "First"]], "newest first, each once"

    failed = await notifier.http.get(
        "/v1/deliveries", params={"person_id": "ann", "status": ["failed", "dead"]}, headers=token("hana", Role.HR)
    )
    [only] = failed.json()["items"]
    assert (only["event_id"], only["status"]) == (published["Refused"], "dead")
    assert "550" in only["last_error"]

    bad = await notifier.http.get(
        "/v1/deliveries", params={"person_id": "ann", "cursor": "nonsense"}, headers=token("hana", Role.HR)
    )
    assert bad.status_code == 422
    assert "cursor" in bad.json()["detail"]


async def test_an_admin_retries_a_failed_email_and_it_is_delivered_once(notifier: Notifier) -> None:
    dead = await _dead_email(notifier)
    notifier.mailbox.accept("ann@example.com")  # the mailbox was created meanwhile

    retried = await notifier.http.post(f"/v1/deliveries/{dead['notification_id']}/retry", headers=ADMIN)
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "pending"

    [mail] = await notifier.mail_to("ann@example.com")
    assert "Calls this week" in str(mail["Subject"])
    delivered = await eventually(lambda: _email_of_ann(notifier, "delivered"), what="the retry recorded")
    assert [a["delivered"] for a in delivered["attempts"]] == [False, True], "the retry is one more attempt"
    assert delivered["last_error"] is None
    assert len(delivered["retried_at"]) == 1

    def announced(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
        about = [e for e in events if e["data"]["notification_id"] == dead["notification_id"]]
        return [(e["type"], e["data"]["attempts"]) for e in about]

    events = await notifier.notification_events(lambda rs: len(announced([r.json() for r in rs])) >= 2)
    assert announced(events) == [("NotificationFailed", 1), ("NotificationDelivered", 2)]

    again = await notifier.http.post(f"/v1/deliveries/{dead['notification_id']}/retry", headers=ADMIN)
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["detail"]) == (
        "delivery_delivered",
        "this notification was already delivered",
    )
    assert len(notifier.mailbox.to("ann@example.com")) == 1, "a delivered message is never sent again"


async def test_a_retry_that_fails_again_is_recorded_as_another_failed_attempt(notifier: Notifier) -> None:
    dead = await _dead_email(notifier)

    retried = await notifier.http.post(f"/v1/deliveries/{dead['notification_id']}/retry", headers=ADMIN)
    assert retried.status_code == 202, retried.text

    async def failed_twice() -> dict[str, Any] | None:
        email = await _email_of_ann(notifier, "dead")
        return email if email and len(email["attempts"]) == 2 else None

    after = await eventually(failed_twice, what="the retry's failure recorded")
    assert [a["delivered"] for a in after["attempts"]] == [False, False]
    assert "550" in after["last_error"]
    assert not notifier.mailbox.to("ann@example.com")


async def test_only_failed_notifications_of_this_service_can_be_retried_and_only_by_admins(notifier: Notifier) -> None:
    await notifier.publish(goal_missed())
    await notifier.mail_to("ann@example.com")
    sent = await eventually(lambda: _email_of_ann(notifier, "delivered"), what="Ann's email recorded")

    refused = await notifier.http.post(f"/v1/deliveries/{sent['notification_id']}/retry", headers=ADMIN)
    assert refused.status_code == 409
    assert refused.json()["code"] == "delivery_delivered"
    assert "already delivered" in refused.json()["detail"]
    missing = await notifier.http.post("/v1/deliveries/no-such-notification/retry", headers=ADMIN)
    assert missing.status_code == 404
    hr = await notifier.http.post(f"/v1/deliveries/{sent['notification_id']}/retry", headers=token("hana", Role.HR))
    assert hr.status_code == 403
    assert len(notifier.mailbox.to("ann@example.com")) == 1
