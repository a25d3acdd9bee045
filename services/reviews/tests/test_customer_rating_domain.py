"""Customer ratings: the event refuses scores outside 1-5; the average is one more weighted input (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from pacer_reviews.domain.customer_ratings import summarise
from pacer_reviews.domain.scoring import Criterion, Scale, explain
from pacer_reviews.domain.templates import TemplateIn
from pacer_shared.events.sales import SalesActivityRecorded

SCALE = Scale(1, 5, {4: "Strong"})
CRITERIA = [Criterion("records", "Customer-record quality", Decimal(50))]


def rating(**fields: Any) -> SalesActivityRecorded:
    body = {
        "activity_id": "r1",
        "assistant_id": "ann",
        "kind": "customer_rating",
        "occurred_at": datetime(2026, 11, 3, tzinfo=UTC),
        "source_system": "crm",
        **fields,
    }
    return SalesActivityRecorded.model_validate(body)


@pytest.mark.parametrize("score", [0, 6, None])
def test_a_customer_rating_outside_one_to_five_is_refused_saying_why(score: int | None) -> None:
    with pytest.raises(ValidationError, match="a customer_rating needs a score from 1 to 5"):
        rating(score=score)


def test_a_score_on_another_kind_is_refused_and_a_valid_rating_passes() -> None:
    with pytest.raises(ValidationError, match="only a customer_rating carries a score"):
        rating(kind="call", score=4)
    assert rating(score=5).score == 5


def test_the_average_is_kept_to_two_decimals_and_no_rating_is_no_input() -> None:
    summary = summarise([5, 4, 4])
    assert summary is not None
    assert (summary.average, summary.count) == (Decimal("4.33"), 3)
    assert summarise([]) is None


def test_the_average_moves_onto_the_templates_scale_linearly() -> None:
    summary = summarise([3])
    assert summary is not None
    assert summary.on_scale(1, 5) == Decimal(3)
    assert summary.on_scale(0, 10) == Decimal(5)


def test_customer_ratings_weigh_in_the_score_like_any_other_input() -> None:
    result = explain(CRITERIA, Decimal(30), SCALE, {"records": 3}, Decimal("1.25"), 1, Decimal(20), summarise([5, 4]))
    # (50×3 + 30×5 + 20×4.5) / 100 = 3.90
    assert [(line.key, line.rating) for line in result.lines] == [
        ("records", Decimal(3)),
        ("goal_attainment", Decimal(5)),
        ("customer_rating", Decimal("4.50")),
    ]
    assert result.lines[2].source == "mean customer score 4.50 of 5 over 2 rating(s)"
    assert result.score == Decimal("3.90")


def test_without_ratings_the_weight_is_left_out_and_listed_as_missing() -> None:
    result = explain(CRITERIA, Decimal(30), SCALE, {"records": 3}, None, 0, Decimal(20), None)
    assert result.score == Decimal(3)
    assert "customer rating: no customer rated the person in the period" in result.missing


def test_a_templates_weights_include_the_customer_rating_weight() -> None:
    body = {"name": "quarterly", "title": "Q", "criteria": [{"key": "records", "name": "R", "weight": 50}]}
    assert TemplateIn.model_validate({**body, "goal_weight": 30, "customer_rating_weight": 20})
    with pytest.raises(ValidationError, match="customer_rating_weight must sum to 100, they sum to 110"):
        TemplateIn.model_validate({**body, "goal_weight": 40, "customer_rating_weight": 20})
