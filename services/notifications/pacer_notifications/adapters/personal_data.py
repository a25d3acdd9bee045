"""What notifications holds that names a person (`pacer_shared.privacy`): their preferences and every message
to them; the messages about them to others (their manager told of a missed goal) go too."""

from pacer_notifications.adapters.repository import DELIVERIES, PARKED, PREFERENCES
from pacer_shared.privacy import Erase, Holding, event_fields
from pacer_shared.talking_points import PERSON_IDS

POINT_PEOPLE = tuple(f"event.data.points.params.{name}" for name in PERSON_IDS)

PERSONAL_DATA = (
    Holding(PREFERENCES, ("_id",)),
    Holding(DELIVERIES, ("recipient_id", "person.person_id", "about.person_id", "event.subject")),
    # An agenda's points name people by id (`talking_points.PERSON_IDS`); `names` has their names as sending needs them.
    Holding(
        DELIVERIES,
        (*event_fields("event.data"), *POINT_PEOPLE, "names.person_id"),
        Erase.PSEUDONYMISE,
    ),
    Holding(PARKED, ("event.subject",)),
    Holding(PARKED, (*event_fields("event.data"), *POINT_PEOPLE), Erase.PSEUDONYMISE),
)
