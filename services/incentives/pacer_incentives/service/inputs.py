"""The input log: goal, review, training and feedback events kept as the ledger and recognition read them.

Events are only recorded here (in the consumer's transaction); statements already calculated for the
period an event touches are marked for a recheck, which the ledger worker turns into adjustment lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pacer_incentives.domain.facts import InputRecord
from pacer_incentives.domain.periods import Period
from pacer_incentives.service import plans
from pacer_incentives.service.context import Incentives
from pacer_shared.events import Event
from pacer_shared.events.feedback import FeedbackGiven, FeedbackKind
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalCancelled,
    GoalEvent,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    OwnerKind,
)
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.reviews import ReviewCompleted, TrainingAssigned, TrainingCompleted
from pacer_shared.mongo import Document, Session

GOAL_TYPES = (GoalSet, GoalProgressed, GoalAchieved, GoalMissed, GoalAdjusted, GoalCancelled)
INPUT_TYPES = (
    *GOAL_TYPES,
    *(ReviewCompleted, TrainingAssigned, TrainingCompleted),
    FeedbackGiven,
)
Input = GoalEvent | ReviewCompleted | TrainingAssigned | TrainingCompleted | FeedbackGiven
"""What the ledger and recognition read: the payloads of `INPUT_TYPES`."""


def _record(event: Event[Input]) -> Document | None:
    """The log entry of an event, or None for events nothing here reads (feedback other than praise)."""
    data = event.data
    document: Document = {
        "_id": event.id,
        "type": event.type,
        "time": event.time,
        "data": event.envelope.data,
    }
    if isinstance(data, GoalEvent):
        document |= {"subject": data.owner_id, "goal_id": data.goal_id, "period_end": data.period_end}
        document["owner_kind"] = data.owner_kind.value
    elif isinstance(data, ReviewCompleted):
        document |= {"subject": data.person_id, "period_end": data.period_end}
    elif isinstance(data, TrainingAssigned | TrainingCompleted):
        document |= {"subject": data.person_id, "period_end": event.time}
    elif isinstance(data, FeedbackGiven) and data.kind is FeedbackKind.PRAISE:
        document |= {"subject": data.recipient_id, "period_end": event.time}
    else:
        return None
    return document


def record_of(document: Document) -> InputRecord:
    return InputRecord(document["_id"], document["type"], document["time"], document["subject"], document["data"])


async def record(incentives: Incentives, events: Sequence[Event[Input]], session: Session) -> list[Event[Input]]:
    """Log the events, mark the statements they touch for a recheck; returns the events newly logged."""
    documents = [(event, doc) for event in events if (doc := _record(event)) is not None]
    if not documents:
        return []
    await incentives.inputs.log([doc for _, doc in documents], session)
    touched = set().union(
        *(_touching(doc) for _, doc in documents if "goal_id" in doc or doc["type"] == "ReviewCompleted")
    )
    for owner, subject, end in sorted(touched):
        await incentives.statements.mark_for_recheck(owner, subject, end, session)
    await _note_ignored(incentives, [event for event, _ in documents], session)
    return [event for event, _ in documents]


def _touching(document: Document) -> set[tuple[str, str, datetime]]:
    """(owner field, subject, end): statements whose period holds the goal's or review's end — the old end
    too when a goal moved — for the person or the team it is about."""
    owner = "team_id" if document.get("owner_kind") == OwnerKind.TEAM.value else "person_id"
    ends = {document["period_end"]}
    if old := document["data"].get("old_period_end"):
        ends.add(datetime.fromisoformat(old))
    return {(owner, document["subject"], end) for end in ends}


async def _note_ignored(incentives: Incentives, events: list[Event[Input]], session: Session) -> None:
    """A goal no plan version covers when it is set is recorded, with the reason, for hr to see."""
    for event in events:
        data = event.data
        if not isinstance(data, GoalSet) or data.owner_kind is not OwnerKind.ASSISTANT:
            continue
        person = await incentives.runtime.people.get(data.owner_id, session)
        team = person.get("team_id") if person else None
        if await plans.covering(incentives, team, data.period_end, session) is None:
            reason = f"no bonus plan covers {data.owner_id} (team {team}) on {data.period_end.isoformat()}"
            await incentives.ignored.note(f"goal:{data.goal_id}", event.id, event.type, reason, event.time, session)


async def note_deactivations(incentives: Incentives, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
    for event in events:
        person = event.data
        if not person.active:
            await incentives.deactivations.note(event.id, person.person_id, event.time, session)


async def active_whole_period(incentives: Incentives, person: Document, period: Period) -> bool:
    return person.get("active", True) and not await left_during(incentives, person, period)


async def left_during(incentives: Incentives, person: Document, period: Period) -> bool:
    """Whether the person was deactivated in the roster during the period."""
    return await incentives.deactivations.left_during(person["_id"], period.start, period.end)


async def records_for(
    incentives: Incentives, subjects: list[str], start: datetime, end: datetime, session: Session | None = None
) -> list[InputRecord]:
    """The subjects' events that fall in (start, end] — for goals, every event of each goal that ended then,
    later corrections included."""
    return [record_of(doc) for doc in await incentives.inputs.about(subjects, start, end, session)]


async def history_of(
    incentives: Incentives, person_id: str, types: frozenset[str], session: Session | None = None
) -> list[InputRecord]:
    return [record_of(doc) for doc in await incentives.inputs.of_types(person_id, types, session)]
