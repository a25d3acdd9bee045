"""What feedback holds that names a person (`pacer_shared.privacy`): named feedback by and about them, requests
about them. Anonymous submissions name no author; results about the person (a manager) go with them."""

from pacer_feedback.adapters.anonymous import SUBMISSIONS, WINDOWS
from pacer_feedback.adapters.named import FEEDBACK, REQUESTS
from pacer_shared.privacy import Erase, Holding

PERSONAL_DATA = (
    Holding(FEEDBACK, ("author_id", "recipient_id")),
    Holding(FEEDBACK, ("replies.author_id",), Erase.PSEUDONYMISE),
    Holding(REQUESTS, ("about_id",)),
    Holding(REQUESTS, ("requested_by", "respondent_ids", "responded_by"), Erase.PSEUDONYMISE),
    Holding(SUBMISSIONS, ("subject_id",)),
    Holding(WINDOWS, ("subject_id",), paths=("_id",)),
)
