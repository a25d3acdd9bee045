"""The bonus ledger against the real stack: statements from goal and review events, adjustments, approvals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from incentives_support import PLAN, ROSTER, TUNING, IncentivesWorld, achieved, at, goal_set, missed, review

from pacer_shared.auth import Role
from pacer_shared.events.goals import GoalAdjusted
from pacer_shared.events.people import PersonErased, PersonUpserted
from pacer_testkit.stack import Stack, create_topics, eventually, producer, read_topic, roster_reached
from pacer_testkit.world import RunningService

ANN = "sales-support:20261001T0000:ann"
BOB = "sales-support:20261001T0000:bob"


async def october(world: IncentivesWorld) -> dict[str, str]:
    """ann beats one goal and misses another, bob misses his, the team goal is achieved, both are reviewed."""
    calls, demos, bobs, team = (
        goal_set("calls", "ann", 100),
        goal_set("demos", "ann", 50),
        goal_set("bob-calls", "bob", 100),
        goal_set("north-revenue", "north", 10, team=True),
    )
    ids = await world.ids(
        (calls, at(1)),
        (demos, at(1)),
        (bobs, at(1)),
        (team, at(1)),
        (achieved(calls, 130), at(20)),
        (achieved(team, 12), at(25)),
        (missed(demos, 40), at(1, 11)),
        (missed(bobs, 30), at(1, 11)),
        (review("ann", 4), at(5, 11)),
        (review("bob", 2), at(6, 11)),
    )
    names = ["calls", "demos", "bob-calls", "team", "calls-done", "team-done", "demos-missed", "bob-missed"]
    return dict(zip([*names, "ann-review", "bob-review"], ids, strict=True))


async def raise_the_calls_target(world: IncentivesWorld) -> list[str]:
    """Mia raises ann's October calls target from 100 to 130 today, long after October was calculated."""
    calls = goal_set("calls", "ann", 100)
    about = {k: getattr(calls, k) for k in ("goal_id", "owner_id", "team_id", "title", "period_start", "period_end")}
    return await world.ids(
        GoalAdjusted(
            **about,
            adjusted_by="mia",
            reason="target agreed late",
            old_target=Decimal(100),
            new_target=Decimal(130),
        )
    )


async def statement(world: IncentivesWorld, statement_id: str, who: str = "hana", role: Role = Role.HR) -> Any:
    async def found() -> Any:
        response = await world.call("GET", f"/v1/statements/{statement_id}", who, role)
        return response.json() if response.status_code == 200 else None

    return await eventually(found, 60, f"statement {statement_id}")


async def test_a_period_statement_from_goal_and_review_events_equals_the_hand_computation(
    world: IncentivesWorld,
) -> None:
    created = await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)
    assert created.status_code == 201, created.text
    ids = await october(world)

    ann = (await statement(world, ANN))["explanation"]

    # A = mean(130/100, 40/50) = 1.05 → factor min(1.5, 1 + 0.05 × 2) = 1.1 → 1100.00
    # review rating 4 → 1100.00 × (1.1 − 1) = 110.00; team goal achieved → 200.00
    assert [(line["kind"], Decimal(line["amount"])) for line in ann["lines"]] == [
        ("goal_attainment", Decimal("1100.00")),
        ("review_multiplier", Decimal("110.00")),
        ("team_component", Decimal("200")),
    ]
    assert Decimal(ann["total"]) == Decimal("1410.00")
    assert (ann["plan_id"], ann["plan_version"], ann["currency"]) == ("sales-support", 1, "CNY")
    goal_line = ann["lines"][0]
    assert goal_line["inputs"]["mean attainment A"] == "1.0500"
    assert goal_line["formula"].endswith("= 1000 × 1.1000 = 1100.00")
    assert {ids["calls"], ids["calls-done"], ids["demos"], ids["demos-missed"]} <= set(goal_line["cites"])
    assert ann["lines"][1]["cites"] == [ids["ann-review"]]
    assert ids["team-done"] in ann["lines"][2]["cites"]

    bob = (await statement(world, BOB))["explanation"]
    [line] = bob["lines"]
    assert (line["kind"], Decimal(line["amount"])) == ("eligibility", Decimal(0))
    assert "rating 2 is below the plan's minimum 3" in line["formula"]

    calculated = await world.events(lambda rs: sum(r.json()["type"] == "BonusCalculated" for r in rs) >= 2)
    totals = {e["data"]["person_id"]: Decimal(e["data"]["total"]) for e in calculated if e["type"] == "BonusCalculated"}
    assert totals == {"ann": Decimal("1410.00"), "bob": Decimal("0")}
    assert "cid" not in totals or totals["cid"] == 0


async def test_a_late_goal_adjustment_after_calculation_is_a_clawback_line_not_a_rewrite(
    world: IncentivesWorld,
) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    await statement(world, ANN)
    [adjusted_id] = await raise_the_calls_target(world)

    async def clawed_back() -> Any:
        found = (await world.call("GET", f"/v1/statements/{ANN}", "ann", Role.ASSISTANT)).json()
        return found if found["explanation"]["adjustments"] else None

    ann = (await eventually(clawed_back, 60, "the clawback"))["explanation"]
    # A = mean(130/130, 0.8) = 0.9 → tier 0.8 → 800.00 + review 80.00 + team 200 = 1080.00: 330.00 less
    [clawback] = ann["adjustments"]
    assert (clawback["kind"], Decimal(clawback["amount"])) == ("clawback", Decimal("-330.00"))
    assert clawback["cites"] == [adjusted_id]
    assert "target changed from 100 to 130" in clawback["label"]
    assert [Decimal(line["amount"]) for line in ann["lines"]] == [Decimal("1100.00"), Decimal("110.00"), Decimal(200)]
    assert Decimal(ann["total"]) == Decimal("1080.00")

    adjusted = await world.events(lambda rs: any(r.json()["type"] == "BonusAdjusted" for r in rs))
    [event] = [e for e in adjusted if e["type"] == "BonusAdjusted"]
    assert (Decimal(event["data"]["adjustment"]), event["data"]["cause_event_ids"]) == (
        Decimal("-330.00"),
        [adjusted_id],
    )


async def test_approval_goes_manager_then_hr_and_freezes_the_statement(world: IncentivesWorld) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    await statement(world, ANN)
    approve = f"/v1/statements/{ANN}/approve"

    assert (await world.call("POST", approve, "ann", Role.ASSISTANT)).status_code == 403
    assert (await world.call("POST", approve, "max", Role.MANAGER)).status_code == 404
    early = await world.call("POST", approve, "hana", Role.HR)
    assert early.status_code == 409
    assert "manager approves first" in early.json()["detail"]
    assert early.json()["code"] == "statement_manager_first", "a stable code the console words in Chinese"
    assert (await world.call("POST", approve, "mia", Role.MANAGER)).json()["status"] == "manager_approved"
    assert (await world.call("POST", approve, "mia", Role.MANAGER)).status_code == 409
    alone = await world.call("POST", approve, "mia", Role.HR)  # a manager who also holds the hr role
    assert alone.status_code == 409
    assert "other than the first approver" in alone.json()["detail"]
    assert alone.json()["code"] == "statement_second_approver"
    approved = await world.call("POST", approve, "hana", Role.HR)
    assert approved.json()["status"] == "approved"
    assert [a["by"] for a in approved.json()["approvals"]] == ["mia", "hana"]
    # Ann may not read the roster, yet sees who approved her statement by name, from the service's own roster.
    hers = (await world.call("GET", f"/v1/statements/{ANN}", "ann", Role.ASSISTANT)).json()
    assert [(a["by"], a["by_name"]) for a in hers["approvals"]] == [("mia", "Mia Manager"), ("hana", "Hana HR")]
    listed = (await world.call("GET", "/v1/statements?person_id=ann", "ann", Role.ASSISTANT)).json()["items"]
    assert [a["by_name"] for s in listed for a in s["approvals"]] == ["Mia Manager", "Hana HR"]
    frozen = await world.call("POST", approve, "hana", Role.HR)
    assert frozen.status_code == 409
    assert "frozen" in frozen.json()["detail"]
    assert frozen.json()["code"] == "statement_frozen"

    events = await world.events(lambda rs: any(r.json()["type"] == "BonusApproved" for r in rs))
    [event] = [e for e in events if e["type"] == "BonusApproved"]
    assert event["data"]["approved_by"] == ["mia", "hana"]
    assert Decimal(event["data"]["total"]) == Decimal("1410.00")

    # A late correction after approval leaves the approved statement as it was and opens a new one.
    await raise_the_calls_target(world)
    carry = (await statement(world, "sales-support:20261101T0000:ann:carry", "ann", Role.ASSISTANT))["explanation"]
    assert Decimal(carry["total"]) == Decimal("-330.00")
    assert carry["carries_from"] == [ANN]
    original = (await world.call("GET", f"/v1/statements/{ANN}", "hana", Role.HR)).json()
    assert original["status"] == "approved"
    assert Decimal(original["explanation"]["total"]) == Decimal("1410.00")
    assert original["explanation"]["adjustments"] == []
    assert len(original["explanation"]["carried"]) == 1


async def test_someone_without_a_manager_is_approved_by_two_different_people_in_hr(world: IncentivesWorld) -> None:
    await world.publish(
        PersonUpserted(person_id="fay", display_name="Fay", email="fay@example.com", role="assistant", team_id="north")
    )
    await roster_reached(world.http, ["fay"])
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    calls = goal_set("fay-calls", "fay", 100)
    await world.publish((calls, at(1)), (achieved(calls, 100), at(20)), (review("fay", 3), at(5, 11)))
    fay = "sales-support:20261001T0000:fay"
    await statement(world, fay)
    approve = f"/v1/statements/{fay}/approve"

    first = await world.call("POST", approve, "hana", Role.HR)
    assert first.json()["status"] == "manager_approved", first.text
    assert (await world.call("POST", approve, "hana", Role.HR)).status_code == 409
    approved = await world.call("POST", approve, "hugo", Role.HR)
    assert approved.json()["status"] == "approved"
    assert [(a["by"], a["role"]) for a in approved.json()["approvals"]] == [("hana", "hr"), ("hugo", "hr")]
    assert [a["by_name"] for a in approved.json()["approvals"]] == ["Hana HR", None], "hugo is in no roster"


async def test_statements_are_private_to_the_person_their_manager_and_hr(world: IncentivesWorld) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    await statement(world, ANN)
    assert (await world.call("GET", f"/v1/statements/{ANN}", "ann", Role.ASSISTANT)).status_code == 200
    assert (await world.call("GET", f"/v1/statements/{ANN}", "mia", Role.MANAGER)).status_code == 200
    assert (await world.call("GET", f"/v1/statements/{ANN}", "bob", Role.ASSISTANT)).status_code == 404
    assert (await world.call("GET", f"/v1/statements/{ANN}", "max", Role.MANAGER)).status_code == 404
    own = (await world.call("GET", "/v1/statements", "bob", Role.ASSISTANT)).json()["items"]
    assert {s["explanation"]["person_id"] for s in own} <= {"bob"}
    assert (await world.call("GET", "/v1/statements?person_id=ann", "bob", Role.ASSISTANT)).status_code == 403


async def test_statements_page_by_cursor_each_once_and_a_forged_cursor_is_refused(world: IncentivesWorld) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    await statement(world, ANN)
    await statement(world, BOB)

    first = (await world.call("GET", "/v1/statements?limit=1", "hana", Role.HR)).json()
    assert [s["explanation"]["statement_id"] for s in first["items"]] == [BOB], "same period: the id breaks the tie"
    second = (await world.call("GET", f"/v1/statements?limit=1&cursor={first['next_cursor']}", "hana", Role.HR)).json()
    assert [s["explanation"]["statement_id"] for s in second["items"]] == [ANN]
    if second["next_cursor"] is not None:  # anyone else of the roster the plan covers comes after, never again
        rest = await world.call("GET", f"/v1/statements?limit=200&cursor={second['next_cursor']}", "hana", Role.HR)
        assert {BOB, ANN}.isdisjoint(s["explanation"]["statement_id"] for s in rest.json()["items"])
        assert rest.json()["next_cursor"] is None
    mine = (await world.call("GET", "/v1/statements?limit=1", "ann", Role.ASSISTANT)).json()
    assert ([s["explanation"]["statement_id"] for s in mine["items"]], mine["next_cursor"]) == ([ANN], None)

    assert (await world.call("GET", "/v1/statements?limit=201", "hana", Role.HR)).status_code == 422
    forged = await world.call("GET", "/v1/statements?cursor=not-a-cursor", "hana", Role.HR)
    assert (forged.status_code, forged.headers["content-type"]) == (422, "application/problem+json")
    assert "cursor" in forged.json()["detail"]


async def test_replaying_every_input_topic_from_the_start_yields_byte_identical_statements(
    world: IncentivesWorld, stack: Stack, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    await statement(world, BOB)
    await raise_the_calls_target(world)

    async def adjusted() -> Any:
        found = (await world.call("GET", f"/v1/statements/{ANN}", "hana", Role.HR)).json()
        return found if found["explanation"]["adjustments"] else None

    await eventually(adjusted, 60, "the adjustment")
    original = await explanations(world)

    replay = f"{namespace}r"
    await copy_topics(stack, namespace, replay, {"org.people": len(ROSTER), "goals.events": 9, "reviews.events": 2})
    replayed_service = RunningService(stack, replay, tmp_path, monkeypatch)
    async with replayed_service("pacer_incentives.main", [], world=IncentivesWorld, **TUNING) as again:
        await roster_reached(again.http, [p.person_id for p in ROSTER])
        assert (await again.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
        await statement(again, BOB)

        async def same() -> Any:
            replayed = await explanations(again)
            return replayed if replayed.keys() == original.keys() and replayed[ANN] == original[ANN] else None

        replayed = await eventually(same, 60, "the replayed statements")
    assert replayed == original


async def explanations(world: IncentivesWorld) -> dict[str, str]:
    found = (await world.call("GET", "/v1/statements", "hana", Role.HR)).json()["items"]
    return {s["explanation"]["statement_id"]: json.dumps(s["explanation"], sort_keys=True) for s in found}


async def copy_topics(stack: Stack, source: str, target: str, counts: dict[str, int]) -> None:
    """Every record of the source topics, as they are, into the target namespace's topics."""
    await create_topics(stack.kafka_bootstrap, [f"{target}.{topic}" for topic in counts])
    async with producer(stack.kafka_bootstrap) as client:
        for topic, count in counts.items():
            records = await read_topic(stack.kafka_bootstrap, f"{source}.{topic}", lambda rs, n=count: len(rs) >= n)
            for record in sorted(records, key=lambda r: (r.partition, r.offset)):
                await client.send_and_wait(f"{target}.{topic}", record.value, key=record.key)


async def test_a_plan_is_simulated_against_past_events_before_it_is_adopted(world: IncentivesWorld) -> None:
    # Lea left before October: no plan covers her any more (only people who leave during a period are listed).
    await world.publish(
        PersonUpserted(
            person_id="lea",
            display_name="Lea",
            email="lea@example.com",
            role="assistant",
            team_id="north",
            active=False,
        )
    )
    await roster_reached(world.http, ["lea"])
    await october(world)
    richer = {**PLAN, "base": {"kind": "fixed", "amount": "2000"}, "eligibility": {}}

    # ann: 2000 × 1.1 = 2200 + 220 + 200; bob (no minimum rating now): 0 + 0 + 200; cid: no goals, no review
    want = {"ann": Decimal("2620.00"), "bob": Decimal("200.00"), "cid": Decimal("200")}

    async def simulated() -> Any:
        # October named, not "the last period": the service's clock is the real one.
        response = await world.call(
            "POST", "/v1/plans/simulate", "hana", Role.HR, {"plan": richer, "period_start": "2026-10-15T00:00:00Z"}
        )
        body = response.json()
        totals = {s["person_id"]: Decimal(s["total"]) for s in body["statements"]}
        # Every October event (goals, the review, the award) reaches the service on its own topic, in no order.
        if totals != want:
            raise AssertionError(f"simulated {totals}")
        return body

    body = await eventually(simulated, 60, "a simulation that counts every October event")
    assert body["period_start"].startswith("2026-10-01")
    assert (await world.call("GET", "/v1/plans", "hana", Role.HR)).json() == []
    assert (await world.call("POST", "/v1/plans/simulate", "mia", Role.MANAGER, {"plan": richer})).status_code == 403


async def test_overlapping_versions_and_bad_plans_are_refused_with_clear_messages(world: IncentivesWorld) -> None:
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    overlapping = await world.call(
        "POST", "/v1/plans", "hana", Role.HR, {**PLAN, "effective_from": "2026-09-01T00:00:00Z"}
    )
    assert overlapping.status_code == 409
    assert "must not overlap" in overlapping.json()["detail"]
    gap = await world.call(
        "POST", "/v1/plans", "hana", Role.HR, {**PLAN, "tiers": [{"min_attainment": "0.5", "payout": "1"}]}
    )
    assert gap.status_code == 422
    assert "cover the range" in gap.text
    negative = await world.call("POST", "/v1/plans", "hana", Role.HR, {**PLAN, "cap": "-1"})
    assert negative.status_code == 422
    assert "cap" in negative.text
    assert (await world.call("POST", "/v1/plans", "mia", Role.MANAGER, PLAN)).status_code == 403

    # A later version ends the open-ended one where it starts; statements cite the version they used.
    later = await world.call("POST", "/v1/plans", "hana", Role.HR, {**PLAN, "effective_from": "2027-01-01T00:00:00Z"})
    assert later.status_code == 201
    assert later.json()["version"] == 2
    versions = (await world.call("GET", "/v1/plans/sales-support", "hana", Role.HR)).json()
    assert [v["plan"]["effective_to"] for v in versions] == ["2027-01-01T00:00:00Z", None]


async def test_an_erased_persons_statements_keep_their_amounts_and_lose_her_identity(world: IncentivesWorld) -> None:
    """Bonus statements are the organisation's books: ann's erasure leaves her October statement's amounts and
    lines under a pseudonym, and neither its id nor any field names her any more; bob's is untouched."""
    assert (await world.call("POST", "/v1/plans", "hana", Role.HR, PLAN)).status_code == 201
    await october(world)
    before = (await statement(world, ANN))["explanation"]
    assert (await world.call("POST", f"/v1/statements/{ANN}/approve", "mia", Role.MANAGER)).status_code == 200
    await statement(world, BOB)

    await world.publish(PersonErased(person_id="ann"))

    async def pseudonymised() -> list[dict[str, Any]] | None:
        stored = await world.stored("statements")
        kept = [s for s in stored if s.get("period_start") and str(s.get("total")) == before["total"]]
        return kept if kept and all(s["person_id"].startswith("erased-") for s in kept) else None

    [kept] = await eventually(pseudonymised, 60, "ann's statement under a pseudonym")
    assert '"ann"' not in json.dumps(kept, default=str), kept
    assert not kept["_id"].endswith(":ann"), "nor does the statement's id, which held hers"
    assert [str(line["amount"]) for line in kept["lines"]] == [line["amount"] for line in before["lines"]]
    assert kept["approvals"][0]["by"] == "mia", "the approver is not the one erased"
    assert (await world.call("GET", f"/v1/statements/{ANN}", "hana", Role.HR)).status_code == 404
    assert (await statement(world, BOB))["explanation"]["person_id"] == "bob"
