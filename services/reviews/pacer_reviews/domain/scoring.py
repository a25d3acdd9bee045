"""The review score: deterministic and explainable, so an assistant can recompute it by hand.

    score = Σ(weight × rating) / Σ(weight), over the inputs that exist

Criteria are rated by the manager on the template's scale. Goal attainment becomes a
rating on the same scale: scale_min + (scale_max − scale_min) × min(attainment, CAP) / CAP,
with attainment the mean of actual / target over the goals closed in the period.
Customer ratings, when the template weights them, become a rating the same way: their period average on
the customers' 1-5 scale moved linearly onto the template's scale.
An input that does not exist (no goals closed, no customer rating) is listed as missing and its weight is
left out of the sum, never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from pacer_reviews.domain.customer_ratings import CustomerRatingSummary

ATTAINMENT_CAP = Decimal("1.25")
"""125% attainment earns the top of the scale; more does not raise the review further."""
GOAL_ATTAINMENT = "goal_attainment"
"""The key of the score line that goal attainment rates, beside the template's criteria."""
CUSTOMER_RATING = "customer_rating"
"""The key of the score line that customers' ratings make."""


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Scale:
    minimum: int
    maximum: int
    labels: dict[int, str]

    def label(self, rating: int) -> str:
        return self.labels.get(rating, str(rating))


@dataclass(frozen=True)
class Line:
    key: str
    name: str
    weight: Decimal
    rating: Decimal
    contribution: Decimal
    source: str


@dataclass(frozen=True)
class Explanation:
    formula: str
    lines: list[Line]
    missing: list[str]
    score: Decimal
    rating: int
    label: str


def goal_rating(attainment: Decimal, scale: Scale) -> Decimal:
    capped = min(max(attainment, Decimal(0)), ATTAINMENT_CAP)
    return (scale.minimum + (scale.maximum - scale.minimum) * capped / ATTAINMENT_CAP).quantize(Decimal("0.01"))


def explain(
    criteria: list[Criterion],
    goal_weight: Decimal,
    scale: Scale,
    ratings: dict[str, int],
    attainment: Decimal | None,
    goals_counted: int,
    customer_weight: Decimal = Decimal(0),
    customers: CustomerRatingSummary | None = None,
) -> Explanation:
    lines = [
        Line(c.key, c.name, c.weight, Decimal(ratings[c.key]), Decimal(0), "manager assessment")
        for c in criteria
        if c.key in ratings
    ]
    missing = [f"{c.name}: not rated" for c in criteria if c.key not in ratings]
    if goal_weight > 0:
        if attainment is None:
            missing.append("goal attainment: no goals closed in the period")
        else:
            source = f"mean attainment {attainment:.4f} over {goals_counted} goal(s), capped at {ATTAINMENT_CAP}"
            lines.append(
                Line(
                    GOAL_ATTAINMENT, "Goal attainment", goal_weight, goal_rating(attainment, scale), Decimal(0), source
                )
            )
    if customer_weight > 0:
        if customers is None:
            missing.append("customer rating: no customer rated the person in the period")
        else:
            source = f"mean customer score {customers.average} of 5 over {customers.count} rating(s)"
            on_scale = customers.on_scale(scale.minimum, scale.maximum)
            lines.append(Line(CUSTOMER_RATING, "Customer rating", customer_weight, on_scale, Decimal(0), source))
    total_weight = sum((line.weight for line in lines), Decimal(0))
    if total_weight == 0:
        raise ValueError("nothing to score: no rated criterion and no goals")
    lines = [
        replace(line, contribution=(line.weight * line.rating / total_weight).quantize(Decimal("0.0001")))
        for line in lines
    ]
    score = sum((line.weight * line.rating for line in lines), Decimal(0)) / total_weight
    score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rating = int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Explanation(
        formula="score = Σ(weight × rating) / Σ(weight) over the inputs present; rating = score rounded half up",
        lines=lines,
        missing=missing,
        score=score,
        rating=rating,
        label=scale.label(rating),
    )
