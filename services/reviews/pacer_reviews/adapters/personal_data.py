"""What reviews holds that names a person (`pacer_shared.privacy`): their reviews and training, the goal outcomes,
check-ins and feedback pulled into them; elsewhere, the reviews they wrote and the cycles and courses they set up."""

from pacer_reviews.adapters.checkins import CHECKINS
from pacer_reviews.adapters.repository import ANONYMOUS, ASSIGNMENTS, CYCLES, FEEDBACK, GOALS, REVIEWS, TEMPLATES
from pacer_shared.privacy import Erase, Holding

PERSONAL_DATA = (
    Holding(REVIEWS, ("person_id",)),
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
)
