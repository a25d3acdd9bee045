"""What reviews holds that names a person (`pacer_shared.privacy`): their reviews and training, the goal outcomes,
check-ins, customer ratings and feedback pulled into them, their duty evaluations, the programmes they are enrolled
in and when the roster first showed them; elsewhere, the reviews and evaluations they wrote, the cycles, courses,
programmes and role profiles they set up and the team meetings they organize or attend (ids only: names and addresses
are read from the roster when sent).

Where the organisation's retention keeps reviews (`REVIEWS_RETENTION=pseudonymise`), the person's completed reviews
stay as aggregates: the cycle, period, template, ratings, score and its explanation by criterion, under their
pseudonym and without anything written in words (notes, development items, comments, the goals and anonymous
results listed); the counts behind the score stay."""

from pacer_reviews.adapters.catalogue import ARRIVALS, COURSES, ENROLMENTS, PROGRAMMES
from pacer_reviews.adapters.checkins import CHECKINS
from pacer_reviews.adapters.customer_ratings import CUSTOMER_RATINGS
from pacer_reviews.adapters.leadership import ACTING_LEADS, PROMOTIONS
from pacer_reviews.adapters.repository import (
    ACTION_ITEMS,
    AGENDAS,
    ANONYMOUS,
    ASSIGNMENTS,
    CYCLES,
    FEEDBACK,
    GOALS,
    MEETINGS,
    MINUTES,
    RECOGNITIONS,
    REVIEWS,
    TEMPLATES,
)
from pacer_reviews.adapters.role_profiles import DUTY_EVALUATIONS, ROLE_PROFILES
from pacer_reviews.settings import Retention
from pacer_shared.privacy import Erase, Holding

DONE = ["completed", "acknowledged"]
WORDS = (
    *(f"self.{name}" for name in ("strengths", "weaknesses", "development", "comment")),
    *(f"manager.{name}" for name in ("strengths", "weaknesses", "development", "comment")),
    *("acknowledgement.comment", "result.inputs.goals", "result.inputs.anonymous_feedback", "result.input_ids"),
)
"""What a kept review loses: the free text written in it, and the goals (titles) and results behind its score."""


def personal_data(retention: Retention) -> tuple[Holding, ...]:
    if retention is Retention.DELETE:
        reviews: tuple[Holding, ...] = (Holding(REVIEWS, ("person_id",)),)
    else:
        reviews = (
            Holding(REVIEWS, ("person_id",), only={"status": {"$nin": DONE}}),
            Holding(REVIEWS, ("person_id",), Erase.PSEUDONYMISE, only={"status": {"$in": DONE}}, cleared=WORDS),
        )
    return (*reviews, *PERSONAL_DATA)


PERSONAL_DATA = (
    Holding(REVIEWS, ("manager_id", "self.submitted_by", "manager.submitted_by"), Erase.PSEUDONYMISE),
    Holding(CYCLES, ("population.person_ids", "opened_by"), Erase.PSEUDONYMISE),
    Holding(TEMPLATES, ("created_by",), Erase.PSEUDONYMISE),
    Holding(GOALS, ("owner_id",)),
    Holding(FEEDBACK, ("recipient_id",)),
    Holding(CHECKINS, ("owner_id",)),
    Holding(ANONYMOUS, ("subject_id",)),
    Holding(ANONYMOUS, ("manager_id",), Erase.PSEUDONYMISE),
    Holding(ASSIGNMENTS, ("person_id",)),
    Holding(ASSIGNMENTS, ("assigned_by",), Erase.PSEUDONYMISE),
    Holding(MEETINGS, ("organizer_id", "attendee_ids", "created_by"), Erase.PSEUDONYMISE),
    Holding(RECOGNITIONS, ("person_id",)),
    # An agenda names people in its talking points; one that names the person goes (the meeting keeps its minutes).
    Holding(AGENDAS, ("person_ids",)),
    Holding(ACTION_ITEMS, ("owner_id", "organizer_id", "created_by", "done_by"), Erase.PSEUDONYMISE),
    Holding(MINUTES, ("recorded_by",), Erase.PSEUDONYMISE),
    Holding(PROMOTIONS, ("person_id",)),
    Holding(ACTING_LEADS, ("person_id",)),
    Holding(ENROLMENTS, ("person_id",)),
    Holding(ENROLMENTS, ("assigned_by",), Erase.PSEUDONYMISE),
    Holding(ARRIVALS, ("_id",)),
    Holding(COURSES, ("updated_by",), Erase.PSEUDONYMISE),
    Holding(PROGRAMMES, ("created_by",), Erase.PSEUDONYMISE),
    Holding(CUSTOMER_RATINGS, ("assistant_id",)),
    Holding(DUTY_EVALUATIONS, ("person_id",)),
    Holding(DUTY_EVALUATIONS, ("manager_id", "recorded_by"), Erase.PSEUDONYMISE),
    Holding(ROLE_PROFILES, ("created_by",), Erase.PSEUDONYMISE),
)
