"""Anonymous feedback to the company: kept without its author, released once k people wrote, answered through a secret.

The caller's token proves they belong to the organisation; nothing derived from it is
stored with the submission. See `domain/anonymity.py` for what is kept instead.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument

from pacer_feedback.domain.anonymity import (
    author_key,
    new_reply_token,
    rate_key,
    token_hash,
    week_of,
    window_bounds,
    window_of,
)
from pacer_feedback.settings import FeedbackSettings
from pacer_shared.auth import Principal, Role
from pacer_shared.events.feedback import AnonymousFeedbackPublished
from pacer_shared.mongo import Document, IndexPlan, Session
from pacer_shared.problems import Forbidden, NotFound, Problem, Unprocessable
from pacer_shared.service import Runtime

SUBMISSIONS = "anonymous_submissions"
DAILY_COUNTS = "anonymous_daily_counts"
AUTHORS = "anonymous_authors"
WINDOWS = "anonymous_windows"

INDEXES: IndexPlan = {
    SUBMISSIONS: [
        IndexModel([("subject_kind", ASCENDING), ("subject_id", ASCENDING), ("window", ASCENDING)], name="by_subject"),
        IndexModel("token_hash", unique=True, name="by_token"),
    ],
    DAILY_COUNTS: [IndexModel("expires_at", expireAfterSeconds=0, name="expiry")],
    AUTHORS: [
        IndexModel(
            [("subject_kind", ASCENDING), ("subject_id", ASCENDING), ("window", ASCENDING), ("released", ASCENDING)],
            name="by_subject",
        ),
        IndexModel("expires_at", expireAfterSeconds=0, name="expiry"),
    ],
    WINDOWS: [IndexModel("expires_at", expireAfterSeconds=0, name="expiry")],
}


class SubjectKind(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    MANAGER = "manager"


class TooMany(Problem):
    status = 429
    title = "Too many submissions"


async def submit(
    runtime: Runtime,
    settings: FeedbackSettings,
    principal: Principal,
    subject_kind: SubjectKind,
    subject_id: str | None,
    category: str,
    text: str,
    tags: list[str],
) -> str:
    """Store a submission with no trace of its author and return the author's reply token (shown once)."""
    member = await runtime.people.get(principal.subject)
    if member is None or not member.get("active", True):
        raise Forbidden("anonymous feedback is for members of the organisation")
    subject = await _subject(runtime, subject_kind, subject_id)
    if await _manager_of(runtime, subject_kind, subject) == principal.subject:
        # The results' reader writing some of them would make the others fewer than k to them.
        raise Forbidden(f"you read the anonymous feedback about this {subject_kind.value}, so you cannot add to it")
    now = runtime.clock.now()
    window = window_of(now)
    expires_at = window_bounds(window)[1] + timedelta(days=1)  # no release happens after its window
    about = f"{subject_kind.value}:{subject}"
    token, hashed = new_reply_token()

    async def work(session: Session) -> None:
        await _count_today(runtime, settings, principal.subject, now, session)
        scope = {"subject_kind": subject_kind.value, "subject_id": subject, "window": window}
        # Every submission about one subject and window writes this document, so two made at once conflict and
        # one runs again seeing the other: neither can miss that together they reach k.
        await runtime.db[WINDOWS].update_one(
            {"_id": f"{about}:{window}"},
            {"$inc": {"submissions": 1}, "$setOnInsert": {"expires_at": expires_at}},
            upsert=True,
            session=session,
        )
        await runtime.db[AUTHORS].update_one(
            {"_id": author_key(settings.anonymity_key.get_secret_value(), principal.subject, about, window)},
            {"$setOnInsert": {**scope, "released": False, "expires_at": expires_at}},
            upsert=True,
            session=session,
        )
        await runtime.db[SUBMISSIONS].insert_one(
            {
                "_id": str(uuid.uuid4()),
                "subject_kind": subject_kind.value,
                "subject_id": subject,
                "category": category,
                "text": text,
                "tags": sorted(set(tags)),
                "week": week_of(now).isoformat(),
                "window": window,
                "token_hash": hashed,
                "released": False,
                "thread": [],
            },
            session=session,
        )
        await _release(runtime, settings, subject_kind, subject, window, session)

    await runtime.uow.run(work)
    return token


async def _subject(runtime: Runtime, kind: SubjectKind, subject_id: str | None) -> str:
    if kind is SubjectKind.COMPANY:
        return "company"
    if not subject_id:
        raise Unprocessable(f"subject_id: name the {kind.value} the feedback is about")
    if kind is SubjectKind.TEAM and not await runtime.people.team(subject_id):
        raise Unprocessable(f"subject_id: there is no team {subject_id!r}")
    if kind is SubjectKind.MANAGER:
        manager = await runtime.people.get(subject_id)
        if manager is None or manager.get("role") != "manager":
            raise Unprocessable(f"subject_id: {subject_id!r} is not a manager")
    return subject_id


async def _count_today(
    runtime: Runtime, settings: FeedbackSettings, person_id: str, now: datetime, session: Session
) -> None:
    key = rate_key(settings.anonymity_key.get_secret_value(), person_id, now.date())
    counter = await runtime.db[DAILY_COUNTS].find_one_and_update(
        {"_id": key},
        {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": now + timedelta(days=2)}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    if counter is None or counter["count"] > settings.anonymous_daily_limit:
        raise TooMany(f"at most {settings.anonymous_daily_limit} anonymous submissions a day")


async def _release(
    runtime: Runtime, settings: FeedbackSettings, kind: SubjectKind, subject: str, window: str, session: Session
) -> None:
    """Release what waits once k people who had no part in an earlier release have written: no published aggregate
    ever rests on fewer than k authors, however many submissions one of them made."""
    query = {"subject_kind": kind.value, "subject_id": subject, "window": window}
    unreleased = {**query, "released": False}
    if await runtime.db[AUTHORS].count_documents(unreleased, session=session) < settings.anonymity_threshold:
        return
    batch = await runtime.db[SUBMISSIONS].find(unreleased, session=session).to_list()
    released = await runtime.db[SUBMISSIONS].count_documents({**query, "released": True}, session=session)
    for collection in (SUBMISSIONS, AUTHORS):
        await runtime.db[collection].update_many(unreleased, {"$set": {"released": True}}, session=session)
    count = len(batch)
    texts = [d["text"] for d in batch]
    random.SystemRandom().shuffle(texts)  # the order of a release says nothing about who wrote when
    start, end = window_bounds(window)
    await runtime.outbox.add(
        session,
        AnonymousFeedbackPublished(
            subject_id=subject,
            subject_kind=kind.value,
            window_start=start,
            window_end=end,
            submissions=released + count,
            themes=dict(Counter(tag for d in batch for tag in d["tags"])),
            texts=texts,
            manager_id=await _manager_of(runtime, kind, subject),
        ),
    )


async def _manager_of(runtime: Runtime, kind: SubjectKind, subject: str) -> str | None:
    if kind is SubjectKind.MANAGER:
        return subject
    if kind is SubjectKind.TEAM:
        team = await runtime.people.team(subject)
        managers = {str(p["manager_id"]) for p in team if p.get("role") == "assistant" and p.get("manager_id")}
        return managers.pop() if len(managers) == 1 else None
    return None


async def aggregates(
    runtime: Runtime, principal: Principal, kind: SubjectKind, subject_id: str | None
) -> list[dict[str, Any]]:
    """Released submissions grouped by window; below the threshold this is empty, exactly as for no feedback."""
    subject = "company" if kind is SubjectKind.COMPANY else subject_id or ""
    concerned = principal.has(Role.MANAGER) and await _manager_of(runtime, kind, subject) == principal.subject
    if not (principal.has(Role.HR, Role.ADMIN) or concerned):
        raise Forbidden("anonymous results are for hr and the manager they are about")
    found = (
        await runtime.db[SUBMISSIONS]
        .find({"subject_kind": kind.value, "subject_id": subject, "released": True}, {"token_hash": 0})
        .to_list()
    )
    windows: dict[str, list[Document]] = {}
    for document in found:
        windows.setdefault(document["window"], []).append(document)
    return [
        {
            "window": window,
            "submissions": len(items),
            "themes": dict(Counter(tag for d in items for tag in d["tags"])),
            "items": [
                {"submission_id": d["_id"], "category": d["category"], "text": d["text"], "thread": d["thread"]}
                for d in sorted(items, key=lambda d: d["_id"])
            ],
        }
        for window, items in sorted(windows.items())
    ]


async def answer_as_organisation(runtime: Runtime, principal: Principal, submission_id: str, text: str) -> None:
    submission = await runtime.db[SUBMISSIONS].find_one({"_id": submission_id, "released": True})
    if submission is None:
        raise NotFound(f"no released submission {submission_id}")
    kind = SubjectKind(submission["subject_kind"])
    if not principal.has(Role.HR) and await _manager_of(runtime, kind, submission["subject_id"]) != principal.subject:
        raise Forbidden("hr, or the manager the feedback is about, can answer it")
    side = "hr" if principal.has(Role.HR) else "manager"
    await _append(runtime, {"_id": submission_id}, side, text)


async def thread(runtime: Runtime, token: str) -> Document:
    submission = await runtime.db[SUBMISSIONS].find_one({"token_hash": token_hash(token)})
    if submission is None:
        raise NotFound("unknown reply token")
    return {
        "category": submission["category"],
        "text": submission["text"],
        "week": submission["week"],
        "thread": submission["thread"],
    }


async def answer_as_author(runtime: Runtime, token: str, text: str) -> Document:
    await _append(runtime, {"token_hash": token_hash(token)}, "author", text)
    return await thread(runtime, token)


async def _append(runtime: Runtime, query: Document, side: str, text: str) -> None:
    entry = {"from": side, "text": text, "week": week_of(runtime.clock.now()).isoformat()}
    result = await runtime.db[SUBMISSIONS].update_one(query, {"$push": {"thread": entry}})
    if result.matched_count == 0:
        raise NotFound("unknown reply token")
