"""Assignments made before training reminders existed (no `remind_at`) are reminded once, planned by a start-up
upgrade; on the real stack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from pymongo import AsyncMongoClient
from reviews_support import ReviewsWorld

from pacer_shared.auth import Role
from pacer_testkit.outlets import Mailbox, outlets
from pacer_testkit.stack import Stack, eventually
from pacer_testkit.world import RunningService, ServiceWorld

TITLE = "Company policy: discounts, approvals and data protection"


def earlier(assignment_id: str, person_id: str, due_at: datetime, **changes: Any) -> dict[str, Any]:
    """An assignment as reviews stored it before reminders existed: no `assigned_at`, no `remind_at`."""
    return {
        "_id": assignment_id,
        "person_id": person_id,
        "course_id": "compliance",
        "course_title": TITLE,
        "due_at": due_at,
        "assigned_by": "mia",
        "review_id": None,
        "programme_id": None,
        "enrolment_id": None,
        "completed_at": None,
        "score": None,
        "attempts": [],
        **changes,
    }


async def test_an_assignment_made_before_reminders_existed_is_reminded_once(
    running_service: RunningService, stack: Stack, namespace: str
) -> None:
    now = datetime.now(UTC)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
    db = client[f"{namespace}_reviews"]
    # Due within the hour's lead (reminded at once), due in a month (reminded later), overdue and completed (never).
    await db["training_assignments"].insert_many(
        [
            earlier("due-soon", "bob", now + timedelta(minutes=30)),
            earlier("due-later", "ann", now + timedelta(days=30)),
            earlier("overdue", "ann", now - timedelta(days=1)),
            earlier("completed", "bob", now + timedelta(minutes=20), completed_at=now - timedelta(days=2)),
        ]
    )

    @asynccontextmanager
    async def reviews_with_mail(mailbox_env: dict[str, str]) -> AsyncIterator[ReviewsWorld]:
        tuning = {"PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS": "0.1"}
        async with (
            running_service("pacer_notifications.main", world=ServiceWorld, **mailbox_env, **tuning),
            running_service(
                "pacer_reviews.main",
                world=ReviewsWorld,
                PACER_REVIEWS_TRAINING_REMINDER_HOURS="1",
                PACER_REVIEWS_SCHEDULER_POLL_SECONDS="0.3",
            ) as reviews,
        ):
            yield reviews

    def reminded(mailbox: Mailbox) -> list[EmailMessage]:
        # A subject this long is folded; its words are what the reader sees.
        subject = f"Training due soon: {TITLE}"
        return [m for m in mailbox.to("bob@example.com") if " ".join(str(m["Subject"]).split()) == subject]

    def reminders(events: list[dict[str, Any]]) -> list[str]:
        return [e["data"]["assignment_id"] for e in events if e["type"] == "TrainingDueSoon"]

    try:
        async with outlets() as out, reviews_with_mail(out.env) as reviews:
            events = await reviews.events(lambda rs: any(r.json()["type"] == "TrainingDueSoon" for r in rs), 60)
            await eventually(lambda: _some(reminded(out.mailbox)), timeout=60, what="bob's reminder by email")
            assert reminders(events) == ["due-soon"]
            stored = {a["_id"]: a for a in await db["training_assignments"].find().to_list()}
            assert stored["due-later"]["remind_at"] == stored["due-later"]["due_at"] - timedelta(hours=1)
            assert "remind_at" not in stored["overdue"]
            assert "remind_at" not in stored["completed"]
            [applied] = await db["upgrades"].find().to_list()
            assert (applied["_id"], applied["changed"]) == ("training-reminders-for-earlier-assignments", 2)

        # Started again with the upgrade's record gone, as if it had stopped before recording itself: it plans
        # nothing twice. A course assigned now, reminded a few seconds on, shows the worker has looked since.
        await db["upgrades"].delete_many({})
        async with outlets() as out, reviews_with_mail(out.env) as reviews:
            due_at = datetime.now(UTC) + timedelta(hours=1, seconds=3)
            body = {"person_id": "bob", "course_id": "compliance", "due_at": due_at.isoformat()}
            fresh = await reviews.call("POST", "/v1/training/assignments", "mia", Role.MANAGER, body)
            assert fresh.status_code == 201, fresh.text
            fresh_id = fresh.json()["assignment_id"]
            events = await reviews.events(lambda rs: fresh_id in reminders([r.json() for r in rs]), timeout=60)
            assert reminders(events) == ["due-soon", fresh_id], "the earlier one once, however often reviews starts"
            [applied] = await db["upgrades"].find().to_list()
            assert applied["changed"] == 0
    finally:
        await client.close()


async def _some(found: list[EmailMessage]) -> list[EmailMessage] | None:
    return found or None
