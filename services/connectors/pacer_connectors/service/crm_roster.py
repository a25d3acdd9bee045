"""The roster from a CRM's users: each pass reads the account's active users and publishes `PersonUpserted` for
those whose entry changed, and for those no longer active (they left: `active: false`), in one transaction with
what was published, so a pass repeated or killed half-way publishes each change once.
"""

from __future__ import annotations

from typing import Any, Protocol

from pacer_connectors.domain.crm_roster import UserUnusable, person_id_of, person_of
from pacer_connectors.service.sync import Sync
from pacer_shared.events.people import PersonUpserted
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session

log = get_logger(__name__)


class UsersOfCrm(Protocol):
    async def active_users(self, team_field: str | None) -> list[dict[str, Any]]:
        """The CRM's active users, each in the shape `domain/crm_roster.py` reads."""
        ...


async def publish_roster(sync: Sync, client: UsersOfCrm) -> int:
    """One pass; the number of roster entries published."""
    connection = sync.connection
    rules = connection.roster
    if rules is None:
        return 0
    users = [
        u for u in await client.active_users(rules.team_field) if str(u.get("status", "active")).lower() == "active"
    ]
    emails = [str(u["email"]) for u in users if u.get("email")]
    own = f"{connection.crm}-"
    # The ids this roster made itself are not who an address belongs to: a user published under one before the
    # service's roster knew their address is matched to the roster's own person, and that id retired below.
    by_email = {
        email: found[0]
        for email, ids in (await sync.repository.people_ids_by_email(emails)).items()
        if (found := [i for i in ids if not i.startswith(own)])
    }
    ids = {str(u["id"]): person_id_of(connection.crm, u, connection.people, by_email) for u in users}
    erasures = sync.runtime.erasures
    entries: dict[str, PersonUpserted] = {}
    for user in users:
        person_id = ids[str(user["id"])]
        if erasures.erased(person_id) or (user.get("email") and erasures.email_erased(str(user["email"]))):
            continue  # erased: the CRM still having them brings nobody back
        manager = (user.get("Reporting_To") or {}).get("id") if isinstance(user.get("Reporting_To"), dict) else None
        try:
            known = await sync.runtime.people.get(person_id)
            entries[str(user["id"])] = person_of(user, person_id, ids.get(str(manager)), rules, known)
        except UserUnusable as unusable:
            log.warning("crm user left out of the roster", connection=connection.id, reason=str(unusable))

    async def work(session: Session) -> int:
        before = await sync.repository.roster_of(connection.id, session)
        changed: dict[str, Document] = {}
        for user_id, person in entries.items():
            if (entry := person.model_dump(mode="json")) != before.get(user_id):
                changed[user_id] = entry
        for user_id, entry in before.items():
            if user_id not in entries and entry.get("active") and not erasures.erased(entry["person_id"]):
                changed[user_id] = {**entry, "active": False}  # no longer an active user of the CRM: left
        # A user first published under an id of the CRM's own, whom the roster turns out to know by address (its
        # projection had not caught up at start-up): that id is retired, so nobody is in the roster twice.
        retired = [
            {**old, "active": False}
            for user_id, entry in changed.items()
            if (old := before.get(user_id)) and old["person_id"] != entry["person_id"] and old.get("active")
        ]
        events = [PersonUpserted.model_validate(e) for e in [*retired, *changed.values()]]
        sync.runtime.uow.publish(session, *events)
        await sync.repository.save_roster(connection.id, changed, session)
        return len(events)

    published: int = await sync.runtime.uow.run(work)
    if published:
        log.info("roster published from the crm's users", connection=connection.id, people=published)
    return published
