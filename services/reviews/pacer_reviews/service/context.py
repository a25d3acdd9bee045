"""What the reviews use cases need: the shared runtime, the settings and the repositories."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_reviews.adapters.catalogue import Catalogue
from pacer_reviews.adapters.checkins import AnsweredCheckIns
from pacer_reviews.adapters.customer_ratings import CustomerRatings
from pacer_reviews.adapters.leadership import ActingLeads, Promotions
from pacer_reviews.adapters.repository import (
    ActionItems,
    AnonymousAggregates,
    CycleReviews,
    Cycles,
    GoalOutcomes,
    MeetingAgendas,
    MeetingMinutes,
    Meetings,
    ReceivedFeedback,
    Recognitions,
    Templates,
    TrainingAssignments,
)
from pacer_reviews.adapters.role_profiles import DutyEvaluations, RoleProfiles
from pacer_reviews.settings import ReviewsSettings
from pacer_shared.auth import Principal
from pacer_shared.service import Runtime
from pacer_shared.talking_points import pick


@dataclass
class Reviews:
    runtime: Runtime
    settings: ReviewsSettings
    templates: Templates
    cycles: Cycles
    reviews: CycleReviews
    goals: GoalOutcomes
    feedback: ReceivedFeedback
    anonymous: AnonymousAggregates
    training: TrainingAssignments
    checkins: AnsweredCheckIns
    meetings: Meetings
    agendas: MeetingAgendas
    recognitions: Recognitions
    action_items: ActionItems
    minutes: MeetingMinutes
    promotions: Promotions
    acting_leads: ActingLeads
    catalogue: Catalogue
    customer_ratings: CustomerRatings
    role_profiles: RoleProfiles
    evaluations: DutyEvaluations

    @classmethod
    def of(cls, runtime: Runtime) -> Reviews:
        assert isinstance(runtime.settings, ReviewsSettings)
        db = runtime.db
        return cls(
            runtime,
            runtime.settings,
            Templates(db),
            Cycles(db),
            CycleReviews(db),
            GoalOutcomes(db),
            ReceivedFeedback(db),
            AnonymousAggregates(db),
            TrainingAssignments(db),
            AnsweredCheckIns(db),
            Meetings(db),
            MeetingAgendas(db),
            Recognitions(db),
            ActionItems(db),
            MeetingMinutes(db),
            Promotions(db),
            ActingLeads(db),
            Catalogue(db),
            CustomerRatings(db),
            RoleProfiles(db),
            DutyEvaluations(db),
        )


async def reader_locale(reviews: Reviews, principal: Principal, wanted: str | None) -> str:
    """The language an agenda is worded in: the one the reader asks for (the console's), else their roster locale."""
    if wanted:
        return pick(wanted)
    person = await reviews.runtime.people.get(principal.subject)
    return pick((person or {}).get("locale"))
