"""What reviews learn from other services, by events only: goal progress and outcomes, feedback received,
acting-lead assignments, customer ratings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from pacer_reviews.domain.anonymous import AnonymousAggregate, aggregates
from pacer_reviews.domain.customer_ratings import CustomerRatingSummary, summarise
from pacer_reviews.service.context import Reviews
from pacer_shared.events import Event
from pacer_shared.events.feedback import AnonymousFeedbackPublished, FeedbackGiven
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalCheckInRecorded,
    GoalEvent,
    GoalMissed,
    GoalProgressed,
    GoalSet,
)
from pacer_shared.events.sales import CUSTOMER_RATING, SalesActivity, SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.mongo import Document, Session

GOAL_TYPES = (GoalSet, GoalProgressed, GoalAtRisk, GoalAchieved, GoalMissed, GoalAdjusted, GoalCancelled)
FeedbackReceived = FeedbackGiven | AnonymousFeedbackPublished
FEEDBACK_TYPES = (FeedbackGiven, AnonymousFeedbackPublished)
SALES_TYPES = (SalesActivityRecorded, SalesActivityRetracted)


async def apply_goal_events(
    reviews: Reviews, events: Sequence[Event[GoalEvent | GoalCheckInRecorded]], session: Session
) -> None:
    """Keep, per goal, its latest numbers and pace, its outcome, its latest at-risk warning and any cancellation;
    and the answered check-ins, whole, for the 1:1 agenda of their week."""
    goal_events: list[Event[GoalEvent]] = []
    for event in events:
        if isinstance(event.data, GoalCheckInRecorded):
            await reviews.checkins.record(event.data, session)
        else:
            goal_events.append(cast(Event[GoalEvent], event))
    await reviews.goals.record(goal_events, session)


async def apply_feedback_events(reviews: Reviews, events: Sequence[Event[FeedbackReceived]], session: Session) -> None:
    for event in events:
        data = event.data
        if isinstance(data, FeedbackGiven):
            facts = {"recipient_id": data.recipient_id, "kind": data.kind.value, "tags": data.tags, "at": event.time}
            await reviews.feedback.record(data.feedback_id, facts, session)
        elif isinstance(data, AnonymousFeedbackPublished):
            # Counts and themes only: the released texts stay with the feedback service. The day of the release is
            # all a reader is shown of its time (releases before they were scheduled carry no day: the event's).
            aggregate = data.model_dump(mode="python", exclude={"texts", "released_on"})
            released_on = (data.released_on or event.time.date()).isoformat()
            await reviews.anonymous.record(
                event.id, {**aggregate, "released_on": released_on, "at": event.time}, session
            )


async def apply_sales_activity(reviews: Reviews, events: Sequence[Event[SalesActivity]], session: Session) -> None:
    """Keep customer ratings (score and when); a retraction of any activity id withdraws the rating it names."""
    for event in events:
        data = event.data
        if isinstance(data, SalesActivityRetracted):
            await reviews.customer_ratings.retract(data.activity_id, session)
        elif data.kind == CUSTOMER_RATING:
            facts = {
                "assistant_id": data.assistant_id,
                "score": data.score,
                "occurred_at": data.occurred_at,
                "customer_id": data.customer_id,
                "source_system": data.source_system,
            }
            await reviews.customer_ratings.record(data.activity_id, facts, session)


@dataclass(frozen=True)
class Inputs:
    """Everything a review shows from other services for one person and period."""

    goals: list[Document]
    feedback: list[Document]
    anonymous: list[AnonymousAggregate]
    acting_leads: list[Document]
    customer_ratings: list[Document]

    @property
    def customers(self) -> CustomerRatingSummary | None:
        return summarise(r["score"] for r in self.customer_ratings)

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
            "acting_leads": [
                {k: lead[k] for k in ("scope", "scope_name", "starts_on", "ends_on")} for lead in self.acting_leads
            ],
            "customer_ratings": {
                "average": str(self.customers.average) if self.customers else None,
                "count": len(self.customer_ratings),
            },
        }

    def ids(self) -> dict[str, list[str]]:
        return {
            "goals": sorted(g["_id"] for g in self.goals),
            "feedback": sorted(f["_id"] for f in self.feedback),
            "anonymous": sorted(i for a in self.anonymous for i in a.release_ids),
            "acting_leads": sorted(lead["_id"] for lead in self.acting_leads),
            "customer_ratings": sorted(r["_id"] for r in self.customer_ratings),
        }


async def inputs_for(reviews: Reviews, person_id: str, start: datetime, end: datetime) -> Inputs:
    """Goals of this person that closed in the period with an outcome, feedback they received in it, the
    anonymous aggregates concerning them released in it, and the projects or teams they led as acting lead in it
    (whole days in their own zone: the period's bounds are their midnights)."""
    person = await reviews.runtime.people.get(person_id) or {}
    zone = ZoneInfo(person.get("timezone") or "UTC")
    first, last = start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
    return Inputs(
        goals=await reviews.goals.closed_in(person_id, start, end),
        feedback=await reviews.feedback.received(person_id, start, end),
        anonymous=await anonymous_released(reviews, person_id, start, end),
        acting_leads=await reviews.acting_leads.overlapping(person_id, first, last),
        customer_ratings=await reviews.customer_ratings.given(person_id, start, end),
    )


async def anonymous_released(
    reviews: Reviews, person_id: str, start: datetime, end: datetime
) -> list[AnonymousAggregate]:
    """Aggregates of the windows that had a release in the period, about the subjects this person manages.

    The feedback service names the manager the results concern and shows them to that manager and hr
    only, so they appear in that manager's reviews and never in a team member's.
    """
    return aggregates(await reviews.anonymous.released(person_id, start, end), released_since=start)
