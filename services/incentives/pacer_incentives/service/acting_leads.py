"""Acting-lead assignments: a person leads a project or a small team for a period, recorded by their manager or hr
and published, so reviews and promotion recommendations can cite it as evidence of leadership."""

from __future__ import annotations

import uuid
from datetime import date

from pacer_incentives.service.context import Incentives
from pacer_shared.auth import Principal, Role
from pacer_shared.events.incentives import ActingLeadAssigned
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Forbidden, NotFound, Unprocessable


async def assign(
    incentives: Incentives,
    principal: Principal,
    person_id: str,
    scope: str,
    scope_name: str,
    starts_on: date,
    ends_on: date,
    note: str,
) -> Document:
    if ends_on < starts_on:
        raise Unprocessable("ends_on: the assignment ends before it starts")
    person = await incentives.runtime.people.get(person_id)
    if person is None or not person.get("active", True):
        raise NotFound(f"person {person_id!r} is not in the roster")
    if not (principal.has(Role.HR) or (principal.has(Role.MANAGER) and person.get("manager_id") == principal.subject)):
        raise Forbidden("acting leads are assigned by the person's manager or hr")
    assignment_id = f"lead-{uuid.uuid4().hex}"
    document = {
        "_id": assignment_id,
        "person_id": person_id,
        "scope": scope,
        "scope_name": scope_name,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "note": note,
        "assigned_by": principal.subject,
        "assigned_at": incentives.runtime.clock.now(),
    }

    fields = ("person_id", "scope", "scope_name", "starts_on", "ends_on", "assigned_by", "note")
    event = ActingLeadAssigned.model_validate({"assignment_id": assignment_id, **{f: document[f] for f in fields}})

    async def work(session: Session) -> None:
        await incentives.acting_leads.add(document, session)
        incentives.runtime.uow.publish(session, event)

    await incentives.runtime.uow.run(work)
    found = await incentives.acting_leads.get(assignment_id)
    assert found is not None
    return found


async def listed(incentives: Incentives, principal: Principal, person_id: str | None) -> list[Document]:
    """Hr sees everyone's; a manager their own and their reports'; anyone else their own."""
    if principal.has(Role.HR):
        return await incentives.acting_leads.of(None if person_id is None else [person_id])
    mine = [principal.subject, *(p["_id"] for p in await incentives.runtime.people.reports_of(principal.subject))]
    if person_id is not None:
        if person_id not in mine:
            raise Forbidden("acting-lead assignments are for the person, their manager and hr")
        mine = [person_id]
    return await incentives.acting_leads.of(mine)


def evidence(assignments: list[Document]) -> list[str]:
    """Promotion evidence lines: leadership shown, in the order it was held."""
    return [
        f"acting lead of {a['scope']} {a['scope_name']} from {a['starts_on']} to {a['ends_on']} "
        f"(assigned by {a['assigned_by']}); assignment {a['_id']}"
        for a in sorted(assignments, key=lambda a: (a["starts_on"], a["_id"]))
    ]
