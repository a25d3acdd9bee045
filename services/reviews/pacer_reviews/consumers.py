"""What the reviews service consumes: goal outcomes and feedback for the scores, the roster for who reviews whom,
recognitions for the wins a team meeting celebrates, promotion recommendations for the quarterly meeting,
acting-lead assignments as evidence in reviews, customer ratings from the CRMs' activities; newcomers in the roster
for onboarding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pacer_reviews.service import cycles, inputs, meeting_agenda, meetings, programmes
from pacer_reviews.service.context import Reviews
from pacer_shared import topics
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.goals import GoalCheckInRecorded, GoalEvent
from pacer_shared.events.incentives import ActingLeadAssigned, PromotionRecommended, RecognitionGranted
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivity
from pacer_shared.mongo import Session

Leadership = RecognitionGranted | PromotionRecommended | ActingLeadAssigned


def subscriptions(reviews: Reviews) -> list[Subscription[Any]]:
    async def on_goals(events: Sequence[Event[GoalEvent | GoalCheckInRecorded]], session: Session) -> None:
        await inputs.apply_goal_events(reviews, events, session)

    async def on_feedback(events: Sequence[Event[inputs.FeedbackReceived]], session: Session) -> None:
        await inputs.apply_feedback_events(reviews, events, session)

    async def on_roster(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await cycles.follow_managers(reviews, events, session)
        await meetings.release_leavers(reviews, events, session)

    async def on_newcomers(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await programmes.onboard_newcomers(reviews, events, session)

    async def on_incentives(events: Sequence[Event[Leadership]], session: Session) -> None:
        await meeting_agenda.record_leadership(reviews, list(events), session)

    async def on_sales(events: Sequence[Event[SalesActivity]], session: Session) -> None:
        await inputs.apply_sales_activity(reviews, events, session)

    return [
        Subscription[GoalEvent | GoalCheckInRecorded](
            name="goal-outcomes",
            topics=[topics.GOALS_EVENTS],
            handle=on_goals,
            event_types=(*inputs.GOAL_TYPES, GoalCheckInRecorded),
            opens=(*inputs.GOAL_TYPES, GoalCheckInRecorded),  # titles, notes: kept here, where erasure reaches
        ),
        Subscription[inputs.FeedbackReceived](
            name="feedback", topics=[topics.FEEDBACK_EVENTS], handle=on_feedback, event_types=inputs.FEEDBACK_TYPES
        ),
        Subscription(
            name="review-managers",
            topics=[topics.ORG_PEOPLE],
            handle=on_roster,
            event_types=(PersonUpserted,),
        ),
        Subscription(
            name="onboarding",
            topics=[topics.ORG_PEOPLE],
            handle=on_newcomers,
            event_types=(PersonUpserted,),
        ),
        # The consumer group keeps its first name so that a deployed one does not start again from the beginning.
        Subscription[Leadership](
            name="recognitions",
            topics=[topics.INCENTIVES_EVENTS],
            handle=on_incentives,
            event_types=(RecognitionGranted, PromotionRecommended, ActingLeadAssigned),
        ),
        Subscription[SalesActivity](
            name="customer-ratings",
            topics=[topics.SALES_ACTIVITY],
            handle=on_sales,
            event_types=inputs.SALES_TYPES,
        ),
    ]
