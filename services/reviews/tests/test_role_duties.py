"""Role profiles are versioned by hr, templates take one criterion per duty, and a manager's quarterly duty scores
become a trend the person, their manager and hr see; through HTTP and Kafka on the real stack."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from reviews_support import ReviewsWorld

from pacer_reviews.domain.role_profiles import SALES_ASSISTANT
from pacer_shared.auth import Role

V1_DUTIES = ["order_processing", "customer_communication", "sales_support", "reporting"]


def quarter(back: int) -> str:
    """The quarter `back` quarters before the real current one (the service runs on the real clock)."""
    today = datetime.now(UTC).date()
    index = today.year * 4 + (today.month - 1) // 3 - back
    return f"{index // 4}-Q{index % 4 + 1}"


def with_product_knowledge() -> dict[str, Any]:
    body = SALES_ASSISTANT.model_dump(mode="json")
    body["duties"].append(
        {
            "key": "product_knowledge",
            "name": "Product knowledge",
            "expectations": ["Answers customers' product questions without asking a rep"],
            "skills": ["product catalogue"],
        }
    )
    return body


async def test_hr_versions_a_profile_and_the_old_version_stays_readable(world: ReviewsWorld) -> None:
    shipped = await world.call("GET", "/v1/role-profiles", "ann", Role.ASSISTANT)
    assert shipped.status_code == 200, shipped.text
    [profile] = shipped.json()
    assert (profile["profile_id"], profile["role"]) == ("sales-assistant:v1", "assistant")
    assert [d["key"] for d in profile["duties"]] == V1_DUTIES
    assert profile["duties"][0]["expectations"][0].startswith("Orders are entered in the CRM")

    refused = await world.call("POST", "/v1/role-profiles", "mia", Role.MANAGER, with_product_knowledge())
    assert refused.status_code == 403
    saved = await world.call("POST", "/v1/role-profiles", "hana", Role.HR, with_product_knowledge())
    assert saved.status_code == 201, saved.text
    assert (saved.json()["profile_id"], saved.json()["created_by"]) == ("sales-assistant:v2", "hana")

    latest = (await world.call("GET", "/v1/role-profiles", "mia", Role.MANAGER)).json()
    assert [p["profile_id"] for p in latest] == ["sales-assistant:v2"]
    old = await world.call("GET", "/v1/role-profiles/sales-assistant:v1", "mia", Role.MANAGER)
    assert [d["key"] for d in old.json()["duties"]] == V1_DUTIES
    missing = await world.call("GET", "/v1/role-profiles/sales-assistant:v9", "mia", Role.MANAGER)
    assert missing.status_code == 404

    events = await world.events(lambda rs: any(r.json()["type"] == "RoleProfileSaved" for r in rs))
    [announced] = [e["data"] for e in events if e["type"] == "RoleProfileSaved"]
    assert announced["profile_id"] == "sales-assistant:v2"
    assert announced["duty_keys"] == [*V1_DUTIES, "product_knowledge"]


async def test_a_template_drawn_from_a_profile_has_one_criterion_per_duty(world: ReviewsWorld) -> None:
    body = {
        "name": "quarterly-duties",
        "title": "Quarterly evaluation against duties",
        "profile_id": "sales-assistant:v1",
        "goal_weight": 30,
        "customer_rating_weight": 10,
    }
    made = await world.call("POST", "/v1/templates/from-role-profile", "hana", Role.HR, body)
    assert made.status_code == 201, made.text
    template = made.json()
    assert template["role_profile_id"] == "sales-assistant:v1"
    assert [(c["key"], c["name"], c["weight"]) for c in template["criteria"]] == [
        ("order_processing", "Order processing", "15.00"),
        ("customer_communication", "Customer communication", "15.00"),
        ("sales_support", "Sales support", "15.00"),
        ("reporting", "Reporting", "15.00"),
    ]
    weighted = await world.call(
        "POST",
        "/v1/templates/from-role-profile",
        "hana",
        Role.HR,
        {**body, "duty_weights": {"order_processing": 30, "customer_communication": 20, "sales_support": 10}},
    )
    assert weighted.status_code == 422
    assert "give a weight for each duty of sales-assistant:v1" in weighted.json()["detail"]
    cycle = {
        "name": "q-duties",
        "cadence": "quarterly",
        "template_name": "quarterly-duties",
        "period_start": datetime.now(UTC).date().isoformat(),
        "person_ids": ["ann"],
    }
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, cycle)
    assert opened.status_code == 201, opened.text
    [review] = (
        await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "ann", Role.ASSISTANT)
    ).json()["items"]
    assert review["template_id"] == "quarterly-duties:v1"


async def test_the_manager_scores_duties_per_quarter_and_the_trend_follows_them(world: ReviewsWorld) -> None:
    earlier, later = quarter(2), quarter(1)
    v1_scores = dict(zip(V1_DUTIES, [3, 4, 2, 3], strict=True))
    path = f"/v1/duty-evaluations/ann/{earlier}"
    own = await world.call("PUT", path, "ann", Role.ASSISTANT, {"scores": v1_scores})
    assert own.status_code == 403
    outsider = await world.call("PUT", path, "max", Role.MANAGER, {"scores": v1_scores})
    assert outsider.status_code == 403
    partial = await world.call("PUT", path, "mia", Role.MANAGER, {"scores": {"reporting": 3}})
    assert partial.status_code == 422
    assert "every duty is scored; missing customer_communication" in partial.json()["detail"]
    ahead = await world.call(
        "PUT", f"/v1/duty-evaluations/ann/{quarter(-1)}", "mia", Role.MANAGER, {"scores": v1_scores}
    )
    assert ahead.status_code == 422
    assert "has not begun" in ahead.json()["detail"]

    first = await world.call("PUT", path, "mia", Role.MANAGER, {"scores": v1_scores, "comment": "solid start"})
    assert first.status_code == 200, first.text
    assert (first.json()["profile_id"], first.json()["average"], first.json()["revision"]) == (
        "sales-assistant:v1",
        "3.00",
        1,
    )

    assert (await world.call("POST", "/v1/role-profiles", "hana", Role.HR, with_product_knowledge())).status_code == 201
    corrected = await world.call("PUT", path, "mia", Role.MANAGER, {"scores": {**v1_scores, "sales_support": 3}})
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["profile_id"], corrected.json()["revision"]) == ("sales-assistant:v1", 2)
    v2_scores = {**dict(zip(V1_DUTIES, [4, 4, 4, 4], strict=True)), "product_knowledge": 3}
    latest = await world.call("PUT", f"/v1/duty-evaluations/ann/{later}", "hana", Role.HR, {"scores": v2_scores})
    assert latest.status_code == 200, latest.text
    assert (latest.json()["profile_id"], latest.json()["average"]) == ("sales-assistant:v2", "3.80")

    for who, role in (("ann", Role.ASSISTANT), ("mia", Role.MANAGER), ("hana", Role.HR)):
        seen = await world.call("GET", "/v1/duty-evaluations/ann", who, role)
        assert seen.status_code == 200, (who, seen.text)
    assert (await world.call("GET", "/v1/duty-evaluations/ann", "bob", Role.ASSISTANT)).status_code == 403
    assert (await world.call("GET", "/v1/duty-evaluations/ann", "max", Role.MANAGER)).status_code == 403

    trend = seen.json()
    assert trend["profile_id"] == "sales-assistant:v2"
    assert [q["quarter"] for q in trend["quarters"]] == [earlier, later]
    assert [q["average"] for q in trend["quarters"]] == ["3.25", "3.80"]
    assert trend["series"]["sales_support"] == [{"quarter": earlier, "score": 3}, {"quarter": later, "score": 4}]
    assert trend["series"]["product_knowledge"] == [
        {"quarter": earlier, "score": None},
        {"quarter": later, "score": 3},
    ]

    events = await world.events(lambda rs: sum(r.json()["type"] == "DutyEvaluationRecorded" for r in rs) >= 3)
    recorded = [e["data"] for e in events if e["type"] == "DutyEvaluationRecorded"]
    assert [(e["quarter"], e["revision"], e["recorded_by"]) for e in recorded] == [
        (earlier, 1, "mia"),
        (earlier, 2, "mia"),
        (later, 1, "hana"),
    ]
    assert Decimal(recorded[1]["average"]) == Decimal("3.25")
