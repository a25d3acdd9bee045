"""What reviews learn from other services, by events only: goal progress and outcomes, feedback received."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, IndexModel, UpdateOne

from pacer_reviews.domain.anonymous import AnonymousAggregate, aggregates
from pacer_shared.events import Event
from pacer_shared.events.feedback import AnonymousFeedbackPublished, FeedbackGiven
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalEvent,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    OwnerKind,
)
from pacer_shared.mongo import Database, Document, IndexPlan, Session

GOALS = "goal_outcomes"
FEEDBACK = "feedback_received"
ANONYMOUS = "anonymous_aggregates"

INDEXES: IndexPlan = {
    GOALS: [IndexModel([("owner_id", ASCENDING), ("period_end", ASCENDING)], name="by_owner")],
    FEEDBACK: [IndexModel([("recipient_id", ASCENDING), ("at", ASCENDING)], name="by_recipient")],
    ANONYMOUS: [IndexModel([("manager_id", ASCENDING), ("window_start", ASCENDING)], name="by_manager")],
}
GOAL_TYPES = (GoalSet, GoalProgressed, GoalAtRisk, GoalAchieved, GoalMissed, GoalAdjusted, GoalCancelled)
FeedbackReceived = FeedbackGiven | AnonymousFeedbackPublished
FEEDBACK_TYPES = (FeedbackGiven, AnonymousFeedbackPublished)


async def apply_goal_events(db: Database, events: Sequence[Event[GoalEvent]], session: Session) -> None:
    """Keep, per goal, its latest numbers and pace, its outcome, its latest at-risk warning and any cancellation."""
    writes: list[UpdateOne] = []
    for event in events:
        data = event.data
        update: dict[str, Any] = {
            "$set": {"owner_id": data.owner_id, "owner_kind": data.owner_kind.value, **_facts(data, event.time)}
        }
        if isinstance(data, GoalAtRisk):
            update["$inc"] = {"at_risk_warnings": 1}
        writes.append(UpdateOne({"_id": data.goal_id}, update, upsert=True))
        # Only a newer event moves the title, the period (an adjustment moves its end) and the numbers: late or
        # redelivered older ones change nothing.
        about = {"title": data.title, "period_start": data.period_start, "period_end": data.period_end}
        writes.append(
            UpdateOne(
                {"_id": data.goal_id, **_not_after(event.time, "about_at")}, {"$set": {**about, "about_at": event.time}}
            )
        )
        if numbers := _numbers(data, event.time):
            writes.append(UpdateOne({"_id": data.goal_id, **_not_after(event.time, "progress_at")}, numbers))
        if isinstance(data, GoalAtRisk):
            warning = {"level": data.level, "pace_ratio": data.pace_ratio, "at": event.time}
            writes.append(
                UpdateOne({"_id": data.goal_id, **_not_after(event.time, "at_risk.at")}, {"$set": {"at_risk": warning}})
            )
    if writes:
        await db[GOALS].bulk_write(writes, session=session, ordered=True)


def _facts(data: GoalEvent, at: datetime) -> dict[str, Any]:
    if isinstance(data, GoalAchieved | GoalMissed):
        return {"outcome": "achieved" if isinstance(data, GoalAchieved) else "missed", "outcome_at": at}
    if isinstance(data, GoalSet):
        return {"unit": data.unit}
    if isinstance(data, GoalCancelled):
        return {"cancelled_at": at}
    return {}


def _numbers(data: GoalEvent, at: datetime) -> dict[str, Any] | None:
    if isinstance(data, GoalProgressed | GoalAtRisk):
        numbers = {"actual": data.actual, "target": data.target, "expected_by_now": data.expected_by_now}
        return {"$set": {**numbers, "progress_at": at}}
    if isinstance(data, GoalAchieved | GoalMissed):
        return {"$set": {"actual": data.actual, "target": data.target, "progress_at": at}}
    if isinstance(data, GoalSet):
        return {"$set": {"target": data.target, "progress_at": at}}
    if isinstance(data, GoalAdjusted):
        # The pace figure was for the old target; the next progress brings the new one.
        return {"$set": {"target": data.new_target, "progress_at": at}, "$unset": {"expected_by_now": ""}}
    return None


def _not_after(at: datetime, field: str) -> dict[str, Any]:
    return {"$or": [{field: {"$lte": at}}, {field: {"$exists": False}}]}


async def apply_feedback_events(db: Database, events: Sequence[Event[FeedbackReceived]], session: Session) -> None:
    for event in events:
        data = event.data
        if isinstance(data, FeedbackGiven):
            await db[FEEDBACK].update_one(
                {"_id": data.feedback_id},
                {
                    "$setOnInsert": {
                        "recipient_id": data.recipient_id,
                        "kind": data.kind.value,
                        "tags": data.tags,
                        "at": event.time,
                    }
                },
                upsert=True,
                session=session,
            )
        elif isinstance(data, AnonymousFeedbackPublished):
            # Counts and themes only: the released texts stay with the feedback service. The day of the release is
            # all a reader is shown of its time (releases before they were scheduled carry no day: the event's).
            aggregate = data.model_dump(mode="python", exclude={"texts", "released_on"})
            released_on = (data.released_on or event.time.date()).isoformat()
            await db[ANONYMOUS].update_one(
                {"_id": event.id},
                {"$setOnInsert": {**aggregate, "released_on": released_on, "at": event.time}},
                upsert=True,
                session=session,
            )


@dataclass(frozen=True)
class Inputs:
    """Everything a review shows from other services for one person and period."""

    goals: list[Document]
    feedback: list[Document]
    anonymous: list[AnonymousAggregate]

    @property
    def attainment(self) -> Decimal | None:
        ratios = [Decimal(g["actual"]) / Decimal(g["target"]) for g in self.goals if g.get("target")]
        return (sum(ratios, Decimal(0)) / len(ratios)).quantize(Decimal("0.0001")) if ratios else None

    def summary(self) -> dict[str, Any]:
        return {
            "goals_achieved": sum(1 for g in self.goals if g["outcome"] == "achieved"),
            "goals_missed": sum(1 for g in self.goals if g["outcome"] == "missed"),
            "at_risk_warnings": sum(g.get("at_risk_warnings", 0) for g in self.goals),
            "attainment": str(self.attainment) if self.attainment is not None else None,
            "goals": [
                {
                    "goal_id": g["_id"],
                    "title": g["title"],
                    "outcome": g["outcome"],
                    "actual": str(g["actual"]),
                    "target": str(g["target"]),
                }
                for g in self.goals
            ],
            "feedback": {
                "praise": sum(1 for f in self.feedback if f["kind"] == "praise"),
                "improvement": sum(1 for f in self.feedback if f["kind"] == "improvement"),
                "themes": dict(Counter(tag for f in self.feedback for tag in f["tags"])),
            },
            "anonymous_feedback": [a.model_dump() for a in self.anonymous],
        }

    def ids(self) -> dict[str, list[str]]:
        return {
            "goals": sorted(g["_id"] for g in self.goals),
            "feedback": sorted(f["_id"] for f in self.feedback),
            "anonymous": sorted(i for a in self.anonymous for i in a.release_ids),
        }


async def inputs_for(db: Database, person_id: str, start: datetime, end: datetime) -> Inputs:
    """Goals of this person that closed in the period with an outcome, feedback they received in it and the
    anonymous aggregates concerning them released in it."""
    goals = (
        await db[GOALS]
        .find(
            {
                "owner_id": person_id,
                "owner_kind": OwnerKind.ASSISTANT.value,
                "outcome": {"$exists": True},
                "cancelled_at": {"$exists": False},  # achieved early, then cancelled: no longer one of the period's
                "period_end": {"$gt": start, "$lte": end},
            }
        )
        .sort("_id", 1)
        .to_list()
    )
    return Inputs(
        goals=goals,
        feedback=await feedback_received(db, person_id, start, end),
        anonymous=await anonymous_released(db, person_id, start, end),
    )


async def feedback_received(db: Database, person_id: str, start: datetime, end: datetime) -> list[Document]:
    return (
        await db[FEEDBACK].find({"recipient_id": person_id, "at": {"$gte": start, "$lt": end}}).sort("_id", 1).to_list()
    )


async def anonymous_released(db: Database, person_id: str, start: datetime, end: datetime) -> list[AnonymousAggregate]:
    """Aggregates of the windows that had a release in the period, about the subjects this person manages.

    The feedback service names the manager the results concern and shows them to that manager and hr
    only, so they appear in that manager's reviews and never in a team member's.
    """
    releases = (
        await db[ANONYMOUS]
        .find(
            {"manager_id": person_id, "window_start": {"$lt": end}, "window_end": {"$gt": start}, "at": {"$lt": end}},
            {"texts": 0},
        )
        .to_list()
    )
    return aggregates(releases, released_since=start)
