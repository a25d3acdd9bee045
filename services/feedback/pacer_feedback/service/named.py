"""Feedback with a name on it: instant (down, up, peer), replies in threads, and requested (360) feedback."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pacer_feedback.service.context import Feedback
from pacer_shared.auth import Principal, Role
from pacer_shared.events.feedback import FeedbackDirection, FeedbackGiven, FeedbackKind, FeedbackRequested, Visibility
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import cursor_after
from pacer_shared.problems import Forbidden, NotFound, Unprocessable


@dataclass(frozen=True)
class NewFeedback:
    recipient_id: str
    kind: FeedbackKind
    text: str
    tags: list[str]
    visibility: Visibility
    goal_id: str | None = None
    review_id: str | None = None
    request_id: str | None = None


async def person_in_roster(feedback: Feedback, person_id: str, field: str = "recipient_id") -> Document:
    person = await feedback.runtime.people.get(person_id)
    if person is None or not person.get("active", True):
        raise Unprocessable(
            f"{field}: {person_id!r} is not someone in your organisation",
            field=f"body.{field}",
            code="person_not_in_organisation",
            ctx={"person_id": person_id},
        )
    return person


def direction(author: str, recipient: Document, author_doc: Document | None, requested: bool) -> FeedbackDirection:
    if requested:
        return FeedbackDirection.REQUESTED
    if recipient.get("manager_id") == author:
        return FeedbackDirection.DOWNWARD
    if author_doc is not None and author_doc.get("manager_id") == recipient["_id"]:
        return FeedbackDirection.UPWARD
    return FeedbackDirection.PEER


async def give(feedback: Feedback, principal: Principal, new: NewFeedback) -> Document:
    recipient = await person_in_roster(feedback, new.recipient_id)
    if new.recipient_id == principal.subject:
        raise Unprocessable(
            "recipient_id: feedback goes to someone else", field="body.recipient_id", code="feedback_to_self"
        )
    author = await feedback.runtime.people.get(principal.subject)
    now = feedback.runtime.clock.now()
    document: Document = {
        "_id": str(uuid.uuid4()),
        "author_id": principal.subject,
        "recipient_id": new.recipient_id,
        "kind": new.kind.value,
        "direction": direction(principal.subject, recipient, author, new.request_id is not None).value,
        "visibility": new.visibility.value,
        "text": new.text,
        "tags": sorted(set(new.tags)),
        "goal_id": new.goal_id,
        "review_id": new.review_id,
        "request_id": new.request_id,
        "created_at": now,
        "replies": [],
    }

    event = given_event(document)

    async def work(session: Session) -> None:
        request_id = new.request_id
        if request_id is not None and not await feedback.requests.note_response(request_id, principal.subject, session):
            raise Unprocessable("you already responded to this request")
        await feedback.named.add(document, session)
        feedback.runtime.uow.publish(session, event)

    await feedback.runtime.uow.run(work)
    return document


def given_event(document: Document) -> FeedbackGiven:
    """The event; the outbox seals its text for its author and its recipient, so either one's erasure shreds it."""
    fields = (
        "author_id",
        "recipient_id",
        "kind",
        "direction",
        "visibility",
        "tags",
        "goal_id",
        "review_id",
        "request_id",
    )
    clear = {"feedback_id": document["_id"], "text": document["text"], **{f: document[f] for f in fields}}
    return FeedbackGiven.model_validate(clear)


async def reply(feedback: Feedback, principal: Principal, feedback_id: str, text: str) -> Document:
    document = await feedback.named.get(feedback_id)
    if document is None:
        raise NotFound(f"no feedback {feedback_id}")
    if not await _in_thread(feedback, principal, document):
        raise Forbidden("only the author, the recipient and the recipient's manager take part in this thread")
    entry = {
        "reply_id": str(uuid.uuid4()),
        "author_id": principal.subject,
        "text": text,
        "at": feedback.runtime.clock.now(),
    }
    await feedback.named.add_reply(feedback_id, entry)
    document["replies"].append(entry)
    return document


async def _in_thread(feedback: Feedback, principal: Principal, document: Document) -> bool:
    if principal.subject in (document["author_id"], document["recipient_id"]):
        return True
    recipient = await feedback.runtime.people.get(document["recipient_id"])
    return recipient is not None and recipient.get("manager_id") == principal.subject


async def recipients(feedback: Feedback, person_id: str) -> list[tuple[Document, FeedbackDirection]]:
    """The people one works with, whom one gives named feedback: one's manager, one's team and one's reports, each with
    the direction feedback to them takes, by name. Anyone else in the roster may still be given feedback by id."""
    people = feedback.runtime.people
    me = await people.get(person_id)
    found: dict[str, Document] = {}
    if me is not None and me.get("team_id"):
        found.update((p["_id"], p) for p in await people.team(me["team_id"]))
    if me is not None and me.get("manager_id"):
        manager = await people.get(me["manager_id"])
        if manager is not None and manager.get("active", True):
            found[manager["_id"]] = manager
    found.update((p["_id"], p) for p in await people.reports_of(person_id))
    found.pop(person_id, None)
    chosen = sorted(found.values(), key=lambda p: (str(p.get("display_name", p["_id"])), p["_id"]))
    return [(p, direction(person_id, p, me, requested=False)) for p in chosen]


async def inbox(
    feedback: Feedback, person_id: str, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """One page of the feedback a person received, newest first, and the cursor of the next page if there is one."""
    found = await feedback.named.received(person_id, cursor, limit + 1)
    return found[:limit], cursor_after(found, limit, "created_at")


async def sent(feedback: Feedback, person_id: str, cursor: str | None, limit: int) -> tuple[list[Document], str | None]:
    found = await feedback.named.sent(person_id, cursor, limit + 1)
    return found[:limit], cursor_after(found, limit, "created_at")


async def about_person(
    feedback: Feedback, principal: Principal, person_id: str, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """The feedback a person received, for them, their manager and hr."""
    if principal.subject != person_id and not principal.has(Role.HR, Role.ADMIN):
        person = await feedback.runtime.people.get(person_id)
        if person is None or person.get("manager_id") != principal.subject:
            raise Forbidden("a person's feedback is seen by them, their manager and hr")
    return await inbox(feedback, person_id, cursor, limit)


async def themes(feedback: Feedback, person_id: str, since: datetime, until: datetime) -> dict[str, int]:
    """Tag counts of the feedback a person received in a period (what reviews show as themes)."""
    return dict(Counter(await feedback.named.tags_received(person_id, since, until)))


# ---------------------------------------------------------------- requested (360) feedback


async def request(
    feedback: Feedback, principal: Principal, about_id: str, respondent_ids: list[str], due_at: datetime
) -> Document:
    about = await person_in_roster(feedback, about_id)
    if not principal.has(Role.HR, Role.ADMIN) and about.get("manager_id") != principal.subject:
        raise Forbidden("360 feedback is requested by the person's manager or hr")
    for respondent in respondent_ids:
        await person_in_roster(feedback, respondent, "respondent_ids")
    if due_at <= feedback.runtime.clock.now():
        raise Unprocessable("due_at: the due date must be in the future", field="body.due_at", code="due_not_ahead")
    document: Document = {
        "_id": str(uuid.uuid4()),
        "about_id": about_id,
        "requested_by": principal.subject,
        "respondent_ids": sorted(set(respondent_ids)),
        "due_at": due_at,
        "created_at": feedback.runtime.clock.now(),
    }

    async def work(session: Session) -> None:
        await feedback.requests.add(document, session)
        feedback.runtime.uow.publish(
            session,
            FeedbackRequested(
                request_id=document["_id"],
                about_id=about_id,
                requested_by=principal.subject,
                respondent_ids=document["respondent_ids"],
                due_at=due_at,
            ),
        )

    await feedback.runtime.uow.run(work)
    return document


async def respond(feedback: Feedback, principal: Principal, request_id: str, new: NewFeedback) -> Document:
    found = await feedback.requests.get(request_id)
    if found is None:
        raise NotFound(f"no feedback request {request_id}")
    if principal.subject not in found["respondent_ids"]:
        raise Forbidden("only the people asked can respond to this request")
    if await feedback.named.has_responded(request_id, principal.subject):
        raise Unprocessable("you already responded to this request")
    return await give(
        feedback,
        principal,
        NewFeedback(**{**new.__dict__, "recipient_id": found["about_id"], "request_id": request_id}),
    )


async def request_summary(feedback: Feedback, principal: Principal, request_id: str) -> dict[str, Any]:
    found = await feedback.requests.get(request_id)
    if found is None:
        raise NotFound(f"no feedback request {request_id}")
    about = await feedback.runtime.people.get(found["about_id"])
    allowed = principal.has(Role.HR, Role.ADMIN) or principal.subject in (
        found["requested_by"],
        (about or {}).get("manager_id"),
    )
    if not allowed:
        raise Forbidden("the summary is for whoever requested it, the person's manager and hr")
    responses = await feedback.named.responses_to(request_id)
    return {
        "request_id": request_id,
        "about_id": found["about_id"],
        "due_at": found["due_at"],
        "asked": len(found["respondent_ids"]),
        "responded": len(responses),
        "waiting_for": sorted(set(found["respondent_ids"]) - {r["author_id"] for r in responses}),
        "themes": dict(Counter(tag for r in responses for tag in r["tags"])),
        "praise": sum(1 for r in responses if r["kind"] == FeedbackKind.PRAISE),
        "improvement": sum(1 for r in responses if r["kind"] == FeedbackKind.IMPROVEMENT),
        "responses": [
            {"author_id": r["author_id"], "kind": r["kind"], "text": r["text"], "tags": r["tags"]} for r in responses
        ],
    }
