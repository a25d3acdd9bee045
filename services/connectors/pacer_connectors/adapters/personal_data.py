"""What the connectors hold that names a person (`pacer_shared.privacy`): the activities last published for each
CRM record, and the records of a CRM user reported as unmapped by the person's address. Pseudonymised on erasure
rather than deleted: a record whose state is gone would be published again as new at its next edit.

The connections' files map CRM users to people (`people.table`): configuration, not data the service can change. A
person erased stays out of what is published and reported whatever those files say (`service/sync.py`); the operator
removes their line."""

from pacer_connectors.adapters.repository import RECORDS, ROSTER
from pacer_connectors.adapters.scim_repository import GROUPS, USERS
from pacer_shared.privacy import Erase, Holding

PERSONAL_DATA = (
    Holding(RECORDS, ("counted.assistant_id", "unmapped"), Erase.PSEUDONYMISE, emails=("unmapped",)),
    # A provisioned user's id is their person id; their groups keep a pseudonym in the member list.
    Holding(USERS, ("_id",)),
    Holding(GROUPS, ("members",), Erase.PSEUDONYMISE),
    # What was last published for a CRM user: gone with them (an erased person is not published again).
    Holding(ROSTER, ("person_id",)),
)
