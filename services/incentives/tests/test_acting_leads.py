"""Acting-lead assignments against the real stack: recorded by the manager or hr, listed to whom they concern,
published, and cited in a promotion recommendation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from incentives_support import IncentivesWorld, review

from pacer_shared.auth import Role
from pacer_testkit.stack import eventually

FAIR = {
    "scope": "project",
    "scope_name": "Spring trade fair",
    "starts_on": "2026-03-01",
    "ends_on": "2026-04-30",
    "note": "Ann runs the stand and its follow-ups",
}


async def test_a_manager_records_an_acting_lead_that_the_person_sees_and_a_teammate_does_not(
    world: IncentivesWorld,
) -> None:
    backwards = await world.call(
        "POST", "/v1/acting-leads", "mia", Role.MANAGER, {**FAIR, "person_id": "ann", "ends_on": "2026-02-01"}
    )
    assert backwards.status_code == 422, backwards.text
    assert "ends before it starts" in backwards.json()["detail"]
    not_theirs = await world.call("POST", "/v1/acting-leads", "max", Role.MANAGER, {**FAIR, "person_id": "ann"})
    assert not_theirs.status_code == 403, not_theirs.text

    made = await world.call("POST", "/v1/acting-leads", "mia", Role.MANAGER, {**FAIR, "person_id": "ann"})
    assert made.status_code == 201, made.text
    assignment = made.json()
    assert (assignment["person_id"], assignment["assigned_by"], assignment["ends_on"]) == ("ann", "mia", "2026-04-30")

    own = (await world.call("GET", "/v1/acting-leads", "ann", Role.ASSISTANT)).json()
    assert [a["assignment_id"] for a in own] == [assignment["assignment_id"]]
    peeking = await world.call("GET", "/v1/acting-leads?person_id=ann", "bob", Role.ASSISTANT)
    assert peeking.status_code == 403, peeking.text

    events = await world.events(lambda rs: any(r.json()["type"] == "ActingLeadAssigned" for r in rs))
    [event] = [e for e in events if e["type"] == "ActingLeadAssigned"]
    published = await world.opened(event)
    assert (published["assignment_id"], published["scope_name"], published["starts_on"], published["note"]) == (
        assignment["assignment_id"],
        "Spring trade fair",
        "2026-03-01",
        FAIR["note"],
    )
    assert FAIR["note"] not in json.dumps(event), "the note travels sealed for Ann"


async def test_a_promotion_recommendation_cites_the_acting_lead_assignments(world: IncentivesWorld) -> None:
    made = await world.call("POST", "/v1/acting-leads", "hana", Role.HR, {**FAIR, "person_id": "dan"})
    assert made.status_code == 201, made.text
    quarters = [datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)]
    await world.publish(*[review("dan", 4, end, "quarterly") for end in quarters])

    async def recommended() -> Any:
        found = await world.call("GET", "/v1/promotions?person_id=dan", "hana", Role.HR)
        return found.json() if found.status_code == 200 else None

    [promotion] = await eventually(recommended, 60, "dan's promotion recommendation")
    assert (
        "acting lead of project Spring trade fair from 2026-03-01 to 2026-04-30 (assigned by hana); "
        f"assignment {made.json()['assignment_id']}"
    ) in promotion["evidence"]
