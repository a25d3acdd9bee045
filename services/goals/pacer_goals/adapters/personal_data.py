"""What goals holds that names a person (`pacer_shared.privacy`): their goals, their history, the activities
credited to them, their weekly check-ins; elsewhere, the goals and decisions they made for others."""

from pacer_goals.adapters.repository import ACTIVITIES, CHECKINS, GOALS, HISTORY, MEMBERSHIPS, WEEKLY_CHECKINS
from pacer_shared.privacy import Erase, Holding

PERSONAL_DATA = (
    Holding(HISTORY, (), via=(GOALS, "owner_id", "goal_id")),
    Holding(HISTORY, ("by",), Erase.PSEUDONYMISE),
    Holding(GOALS, ("owner_id",)),
    Holding(
        GOALS,
        ("created_by", "adjustments.requested_by", "adjustments.decided_by", "miss_analysis.analyzed_by"),
        Erase.PSEUDONYMISE,
    ),
    Holding(ACTIVITIES, ("assistant_id", "retraction_assistant_id")),
    Holding(MEMBERSHIPS, ("_id",)),
    Holding(CHECKINS, ("_id",)),
    Holding(WEEKLY_CHECKINS, ("owner_id",)),
)
