"""What incentives holds that names a person (`pacer_shared.privacy`). Bonus statements are the organisation's
books: they keep their amounts and lose the identity. Recognitions, kudos budgets, acting-lead assignments,
promotion recommendations and the facts gathered about the person go."""

from pacer_incentives.adapters.repository import (
    ACTING_LEADS,
    DEACTIVATIONS,
    IGNORED,
    INPUTS,
    KUDOS_BUDGETS,
    PLANS,
    PROMOTIONS,
    RECOGNITIONS,
    STATEMENTS,
)
from pacer_shared.privacy import Erase, Holding, event_fields

PERSONAL_DATA = (
    Holding(STATEMENTS, ("person_id", "manager_id", "approvals.by"), Erase.PSEUDONYMISE, paths=("_id",)),
    Holding(RECOGNITIONS, ("person_id",)),
    Holding(RECOGNITIONS, ("granted_by",), Erase.PSEUDONYMISE),
    Holding(KUDOS_BUDGETS, (), paths=("_id",)),
    Holding(PROMOTIONS, ("person_id",)),
    Holding(ACTING_LEADS, ("person_id",)),
    Holding(ACTING_LEADS, ("assigned_by",), Erase.PSEUDONYMISE),
    Holding(INPUTS, ("subject",)),
    Holding(INPUTS, event_fields("data"), Erase.PSEUDONYMISE),
    Holding(IGNORED, (), paths=("reason",)),
    Holding(DEACTIVATIONS, ("person_id", "_id")),
    Holding(PLANS, ("created_by",), Erase.PSEUDONYMISE),
)
