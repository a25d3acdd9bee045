"""What notifications holds that names a person (`pacer_shared.privacy`): their preferences and every message
to them; the messages about them to others (their manager told of a missed goal) go too."""

from pacer_notifications.adapters.repository import DELIVERIES, PARKED, PREFERENCES
from pacer_shared.privacy import Erase, Holding, event_fields

PERSONAL_DATA = (
    Holding(PREFERENCES, ("_id",)),
    Holding(DELIVERIES, ("recipient_id", "person.person_id", "about.person_id", "event.subject")),
    Holding(DELIVERIES, event_fields("event.data"), Erase.PSEUDONYMISE),
    Holding(PARKED, ("event.subject",)),
    Holding(PARKED, event_fields("event.data"), Erase.PSEUDONYMISE),
)
