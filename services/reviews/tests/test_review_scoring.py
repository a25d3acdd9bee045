"""The score is deterministic and explainable, and templates refuse weights that do not add up (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from pacer_reviews.domain.scoring import Criterion, Scale, explain, goal_rating
from pacer_reviews.domain.templates import TemplateIn

SCALE = Scale(1, 5, {3: "Solid", 4: "Strong"})
CRITERIA = [
    Criterion("records", "Customer-record quality", Decimal(30)),
    Criterion("teamwork", "Teamwork", Decimal(30)),
]


def test_the_explanation_adds_up_to_the_score_by_hand() -> None:
    result = explain(CRITERIA, Decimal(40), SCALE, {"records": 4, "teamwork": 3}, Decimal("1.0"), 2)
    # goal rating = 1 + 4 × 1.0 / 1.25 = 4.20; score = (30×4 + 30×3 + 40×4.2) / 100 = 3.78
    assert [line.rating for line in result.lines] == [Decimal(4), Decimal(3), Decimal("4.20")]
    assert result.score == Decimal("3.78")
    assert sum(line.contribution for line in result.lines) == result.score
    assert (result.rating, result.label) == (4, "Strong")
    assert result.missing == []


def test_missing_goals_are_listed_and_their_weight_left_out_never_counted_as_zero() -> None:
    result = explain(CRITERIA, Decimal(40), SCALE, {"records": 4, "teamwork": 3}, None, 0)
    assert result.missing == ["goal attainment: no goals closed in the period"]
    assert result.score == Decimal("3.50")


def test_goal_attainment_maps_onto_the_scale_and_is_capped() -> None:
    assert goal_rating(Decimal(0), SCALE) == Decimal(1)
    assert goal_rating(Decimal("1.25"), SCALE) == Decimal(5)
    assert goal_rating(Decimal(3), SCALE) == Decimal(5)


def test_template_weights_must_sum_to_100() -> None:
    with pytest.raises(ValidationError, match="must sum to 100, they sum to 90"):
        TemplateIn(
            name="monthly",
            title="Monthly",
            criteria=[{"key": "records", "name": "Records", "weight": 50}],
            goal_weight=Decimal(40),
        )
