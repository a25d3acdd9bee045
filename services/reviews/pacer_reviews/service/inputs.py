"""What reviews learn from other services, by events only: goal outcomes and feedback received."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, IndexModel, UpdateOne

from pacer_shared.events import Event
from pacer_shared.events.feedback import AnonymousFeedbackPublished, FeedbackGiven
from pacer_shared.events.goals import GoalAchieved, GoalAtRisk, GoalMissed, GoalProgressed
from pacer_shared.mongo import Database, Document, IndexPlan, Session

GOALS = "goal_outcomes"
FEEDBACK = "feedback_received"
ANONYMOUS = "anonymous_aggregates"

INDEXES: IndexPlan = {
    GOALS: [IndexModel([("owner_id", ASCENDING), ("period_end", ASCENDING)], name="by_owner")],
    FEEDBACK: [IndexModel([("recipient_id", ASCENDING), ("at", ASCENDING)], name="by_recipient")],
}
GOAL_TYPES = frozenset({e.event_type for e in (GoalAchieved, GoalMissed, GoalAtRisk, GoalProgressed)})
FEEDBACK_TYPES = frozenset({FeedbackGiven.event_type, AnonymousFeedbackPublished.event_type})


async def apply_goal_events(db: Database, events: Sequence[Event], session: Session) -> None:
    """Keep, per goal, its latest actual and target, its outcome and how often it was at risk."""
    writes = []
    for event in events:
        data: Any = event.data
        fields: dict[str, Any] = {
            "owner_id": data.owner_id,
            "owner_kind": data.owner_kind.value,
            "title": data.title,
            "period_start": data.period_start,
            "period_end": data.period_end,
        }
        if isinstance(data, GoalAchieved | GoalMissed):
            fields.update(outcome="achieved" if isinstance(data, GoalAchieved) else "missed", outcome_at=event.time)
        update: dict[str, Any] = {"$set": fields}
        if isinstance(data, GoalAtRisk):
            update["$inc"] = {"at_risk_warnings": 1}
        writes.append(UpdateOne({"_id": data.goal_id}, update, upsert=True))
        if not isinstance(data, GoalAtRisk):
            # Only a newer event moves the numbers: late or redelivered older ones change nothing.
            newer = {"$or": [{"progress_at": {"$lte": event.time}}, {"progress_at": {"$exists": False}}]}
            numbers = {"actual": data.actual, "target": data.target, "progress_at": event.time}
            writes.append(UpdateOne({"_id": data.goal_id, **newer}, {"$set": numbers}))
    if writes:
        await db[GOALS].bulk_write(writes, session=session, ordered=True)


async def apply_feedback_events(db: Database, events: Sequence[Event], session: Session) -> None:
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
            await db[ANONYMOUS].update_one(
                {"_id": event.id},
                {"$setOnInsert": {**data.model_dump(mode="python"), "at": event.time}},
                upsert=True,
                session=session,
            )


@dataclass(frozen=True)
class Inputs:
    """Everything a review shows from other services for one person and period."""

    goals: list[Document]
    feedback: list[Document]

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
        }

    def ids(self) -> dict[str, list[str]]:
        return {"goals": sorted(g["_id"] for g in self.goals), "feedback": sorted(f["_id"] for f in self.feedback)}


async def inputs_for(db: Database, person_id: str, start: datetime, end: datetime) -> Inputs:
    """Goals of this person that closed in the period with an outcome, and feedback they received in it."""
    goals = (
        await db[GOALS]
        .find(
            {
                "owner_id": person_id,
                "owner_kind": "assistant",
                "outcome": {"$exists": True},
                "period_end": {"$gt": start, "$lte": end},
            }
        )
        .sort("_id", 1)
        .to_list()
    )
    feedback = (
        await db[FEEDBACK].find({"recipient_id": person_id, "at": {"$gte": start, "$lt": end}}).sort("_id", 1).to_list()
    )
    return Inputs(goals=goals, feedback=feedback)
