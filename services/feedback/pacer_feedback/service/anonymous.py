"""Anonymous feedback to the company: kept without its author, released on a schedule once k people wrote,
answered through a secret.

The caller's token proves they belong to the organisation; nothing derived from it is
stored with the submission. See `domain/anonymity.py` for what is kept instead, and
`service/releases.py` for the scheduled run that releases results and authors' replies.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pymongo.errors import DuplicateKeyError

from pacer_feedback.domain.anonymity import (
    author_key,
    day_expiry,
    new_reply_token,
    next_release,
    rate_key,
    theme_counts,
    token_hash,
    week_of,
    window_bounds,
    window_of,
)
from pacer_feedback.service.context import Feedback
from pacer_feedback.settings import FeedbackSettings
from pacer_shared.auth import Principal, Role
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Forbidden, NotFound, Problem, Unprocessable

WINDOW_GRACE_DAYS = 3
"""Authors and windows are kept this long past their month: its last day's submissions are released the next
morning of the organisation's day, wherever that falls in UTC."""
READERS = (Role.HR, Role.ADMIN)
"""Roles that read every subject's results: with one of them among k authors, only k-1 others are hidden from it."""


class SubjectKind(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    MANAGER = "manager"


class TooMany(Problem):
    status = 429
    title = "Too many submissions"


async def submit(
    feedback: Feedback,
    settings: FeedbackSettings,
    principal: Principal,
    subject_kind: SubjectKind,
    subject_id: str | None,
    category: str,
    text: str,
    tags: list[str],
) -> str:
    """Store a submission with no trace of its author and return the author's reply token (shown once)."""
    member = await feedback.runtime.people.get(principal.subject)
    if member is None or not member.get("active", True):
        raise Forbidden("anonymous feedback is for members of the organisation")
    subject = await _subject(feedback, subject_kind, subject_id)
    if await manager_of(feedback, subject_kind, subject) == principal.subject:
        # The results' reader writing some of them would make the others fewer than k to them.
        raise Forbidden(f"you read the anonymous feedback about this {subject_kind.value}, so you cannot add to it")
    # hr and admins read every result: their submissions are kept but never make up the k, so each release still
    # hides at least k authors from every one of its readers.
    counted = not (principal.has(*READERS) or member.get("role") in READERS)
    now = feedback.runtime.clock.now()
    window = window_of(now)
    expires_at = day_expiry(window_bounds(window)[1].date(), WINDOW_GRACE_DAYS)
    about = f"{subject_kind.value}:{subject}"
    due_at = next_release(now, settings.anonymous_release_hour, settings.organisation_zone)
    await _count_today(feedback, settings, principal.subject, now)
    token, hashed = new_reply_token()

    async def work(session: Session) -> None:
        scope = {"subject_kind": subject_kind.value, "subject_id": subject, "window": window}
        # The release worker reads this index; every submission of a day names the same release, so it is all
        # anyone reading it learns.
        await feedback.anonymous.schedule_release(f"{about}:{window}", scope, expires_at, due_at, session)
        if counted:
            key = author_key(settings.anonymity_key.get_secret_value(), principal.subject, about, window)
            await feedback.anonymous.count_author(key, scope, expires_at, session)
        await feedback.anonymous.add_submission(
            {
                "_id": str(uuid.uuid4()),  # random: the order of ids says nothing about the order of writing
                **scope,
                "category": category,
                "text": text,
                "tags": sorted(set(tags)),
                "week": week_of(now).isoformat(),
                "token_hash": hashed,
                "released": False,
                "thread": [],
            },
            session=session,
        )

    await feedback.runtime.uow.run(work)
    return token


async def _subject(feedback: Feedback, kind: SubjectKind, subject_id: str | None) -> str:
    if kind is SubjectKind.COMPANY:
        return "company"
    if not subject_id:
        raise Unprocessable(f"subject_id: name the {kind.value} the feedback is about")
    if kind is SubjectKind.TEAM and not await feedback.runtime.people.team(subject_id):
        raise Unprocessable(f"subject_id: there is no team {subject_id!r}")
    if kind is SubjectKind.MANAGER:
        manager = await feedback.runtime.people.get(subject_id)
        if manager is None or manager.get("role") != "manager":
            raise Unprocessable(f"subject_id: {subject_id!r} is not a manager")
    return subject_id


async def _count_today(feedback: Feedback, settings: FeedbackSettings, person_id: str, now: datetime) -> None:
    """Count the submission against the person's day, in a write of its own.

    Never in the submission's transaction: an oplog, change stream or backup would show the counter and the
    submission written together and so group one person's submissions of a day. The counter's expiry is a whole
    day, not the moment of the first submission. A submission that fails after this still costs one of the day's.
    """
    key = rate_key(settings.anonymity_key.get_secret_value(), person_id, now.date())
    # The filter misses a full counter, and the upsert then collides with it. A collision can also be another
    # request of the same person creating the counter at the same moment: the second attempt counts on it.
    for _ in range(2):
        try:
            await feedback.anonymous.count_today(key, settings.anonymous_daily_limit, day_expiry(now.date(), 2))
            return
        except DuplicateKeyError:
            continue
    raise TooMany(f"at most {settings.anonymous_daily_limit} anonymous submissions a day")


async def manager_of(feedback: Feedback, kind: SubjectKind, subject: str) -> str | None:
    if kind is SubjectKind.MANAGER:
        return subject
    if kind is SubjectKind.TEAM:
        team = await feedback.runtime.people.assistants_in(subject)
        managers = {str(p["manager_id"]) for p in team if p.get("manager_id")}
        return managers.pop() if len(managers) == 1 else None
    return None


async def aggregates(
    feedback: Feedback, principal: Principal, kind: SubjectKind, subject_id: str | None
) -> list[dict[str, Any]]:
    """Released submissions grouped by window; below the threshold this is empty, exactly as for no feedback."""
    subject = "company" if kind is SubjectKind.COMPANY else subject_id or ""
    concerned = principal.has(Role.MANAGER) and await manager_of(feedback, kind, subject) == principal.subject
    if not (principal.has(Role.HR, Role.ADMIN) or concerned):
        raise Forbidden("anonymous results are for hr and the manager they are about")
    found = await feedback.anonymous.released_about(kind.value, subject)
    windows: dict[str, list[Document]] = {}
    for document in found:
        windows.setdefault(document["window"], []).append(document)
    return [
        {
            "window": window,
            "submissions": len(items),
            "themes": theme_counts(tag for d in items for tag in d["tags"]),
            "items": [
                {"submission_id": d["_id"], "category": d["category"], "text": d["text"], "thread": d["thread"]}
                for d in items
            ],
        }
        for window, items in sorted(windows.items())
    ]


async def answer_as_organisation(feedback: Feedback, principal: Principal, submission_id: str, text: str) -> None:
    submission = await feedback.anonymous.released(submission_id)
    if submission is None:
        raise NotFound(f"no released submission {submission_id}")
    kind = SubjectKind(submission["subject_kind"])
    if not principal.has(Role.HR) and await manager_of(feedback, kind, submission["subject_id"]) != principal.subject:
        raise Forbidden("hr, or the manager the feedback is about, can answer it")
    side = "hr" if principal.has(Role.HR) else "manager"
    entry = {"from": side, "text": text, "week": week_of(feedback.runtime.clock.now()).isoformat()}
    if not await feedback.anonymous.append_to_thread(submission_id, entry):
        raise NotFound("unknown reply token")


async def thread(feedback: Feedback, token: str) -> Document:
    """The author's view: their submission, the answers, and their own replies still waiting for a release."""
    submission = await feedback.anonymous.by_token(token_hash(token))
    if submission is None:
        raise NotFound("unknown reply token")
    return {
        "category": submission["category"],
        "text": submission["text"],
        "week": submission["week"],
        "thread": submission["thread"],
        "pending_replies": submission.get("pending_replies", []),
    }


async def answer_as_author(feedback: Feedback, settings: FeedbackSettings, token: str, text: str) -> Document:
    """Queue the author's reply for the next scheduled release: shown at once, its moment would time the author's
    visit to whoever watches the thread."""
    now = feedback.runtime.clock.now()
    entry = {"from": "author", "text": text, "week": week_of(now).isoformat()}
    due_at = next_release(now, settings.anonymous_release_hour, settings.organisation_zone)
    if not await feedback.anonymous.queue_author_reply(token_hash(token), entry, due_at):
        raise NotFound("unknown reply token")
    return await thread(feedback, token)
