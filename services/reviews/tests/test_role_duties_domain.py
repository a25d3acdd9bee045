"""Role profiles and duty evaluations without any server: duties, weights, scores and the trend (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from pacer_reviews.domain.duty_evaluations import EvaluationError, Point, Quarter, average, check_scores, trend
from pacer_reviews.domain.role_profiles import SALES_ASSISTANT, RoleProfileIn, even_weights

DUTIES = SALES_ASSISTANT.duties


def test_the_built_in_sales_assistant_profile_names_the_four_duties_with_expectations_and_skills() -> None:
    assert [d.key for d in DUTIES] == ["order_processing", "customer_communication", "sales_support", "reporting"]
    assert SALES_ASSISTANT.role == "assistant"
    assert all(d.expectations and d.skills for d in DUTIES)


def test_a_profile_refuses_a_duty_key_twice() -> None:
    body = SALES_ASSISTANT.model_dump()
    body["duties"].append(body["duties"][0])
    with pytest.raises(ValidationError, match="each key must be unique"):
        RoleProfileIn.model_validate(body)


def test_even_weights_always_add_up_exactly() -> None:
    weights = even_weights(["a", "b", "c"], Decimal(70))
    assert weights == {"a": Decimal("23.34"), "b": Decimal("23.33"), "c": Decimal("23.33")}
    assert sum(weights.values()) == Decimal(70)
    assert even_weights(["a", "b", "c", "d"], Decimal(60)) == dict.fromkeys("abcd", Decimal(15))


def test_a_quarter_is_read_from_its_name_and_anything_else_is_refused() -> None:
    assert Quarter.parse("2026-Q3").first_day.isoformat() == "2026-07-01"
    assert Quarter.parse("2025-Q4") < Quarter.parse("2026-Q1")
    with pytest.raises(EvaluationError, match="not of the form 2026-Q3"):
        Quarter.parse("2026-Q5")


def test_every_duty_is_scored_once_on_the_one_to_five_scale() -> None:
    scores = {d.key: 4 for d in DUTIES}
    check_scores(DUTIES, scores)
    with pytest.raises(EvaluationError, match="missing reporting"):
        check_scores(DUTIES, {k: v for k, v in scores.items() if k != "reporting"})
    with pytest.raises(EvaluationError, match="smiling is not a duty"):
        check_scores(DUTIES, {**scores, "smiling": 5})
    with pytest.raises(EvaluationError, match="reporting outside the duty scale 1-5"):
        check_scores(DUTIES, {**scores, "reporting": 6})


def test_the_average_rounds_half_up_to_the_hundredth() -> None:
    assert average({"a": 4, "b": 3, "c": 3}) == Decimal("3.33")
    assert average({"a": 4, "b": 5}) == Decimal("4.50")


def test_the_trend_is_one_line_per_duty_oldest_quarter_first_with_gaps_for_duties_not_then_scored() -> None:
    lines = trend(
        DUTIES[:2],
        [("2026-Q2", {"order_processing": 4, "customer_communication": 5}), ("2025-Q4", {"order_processing": 3})],
    )
    assert lines["order_processing"] == [Point("2025-Q4", 3), Point("2026-Q2", 4)]
    assert lines["customer_communication"] == [Point("2025-Q4", None), Point("2026-Q2", 5)]
