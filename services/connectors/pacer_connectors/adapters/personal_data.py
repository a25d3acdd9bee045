"""What the connectors hold that names a person (`pacer_shared.privacy`): the activities last published for each
CRM record. Pseudonymised on erasure rather than deleted: a record whose state is gone would be published again
as new at its next edit."""

from pacer_connectors.adapters.repository import RECORDS
from pacer_shared.privacy import Erase, Holding

PERSONAL_DATA = (Holding(RECORDS, ("counted.assistant_id",), Erase.PSEUDONYMISE),)
