"""Review templates: weighted criteria, a rating scale, and the weight of goal attainment. Versioned, immutable."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from pacer_reviews.domain.scoring import Criterion, Scale


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(min_length=1, max_length=100)
    weight: Decimal = Field(gt=0, le=100)


class ScaleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minimum: int = Field(default=1, ge=0)
    maximum: int = Field(default=5, le=10)
    labels: dict[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _range(self) -> ScaleIn:
        if self.maximum <= self.minimum:
            raise ValueError("scale: maximum must be above minimum")
        if outside := [r for r in self.labels if not self.minimum <= r <= self.maximum]:
            raise ValueError(f"scale.labels: ratings {outside} are outside {self.minimum}-{self.maximum}")
        return self


class TemplateIn(BaseModel):
    """What a review asks: criteria and goal attainment with weights summing to 100."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    title: str = Field(min_length=1, max_length=200)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    goal_weight: Decimal = Field(ge=0, le=100, description="Weight of goal attainment in the score")
    customer_rating_weight: Decimal = Field(
        default=Decimal(0), ge=0, le=100, description="Weight of the period's average customer rating in the score"
    )
    role_profile_id: str | None = Field(
        default=None, description="The role profile version the criteria were drawn from, one per duty"
    )
    scale: ScaleIn = ScaleIn(
        labels={1: "Needs improvement", 2: "Developing", 3: "Solid", 4: "Strong", 5: "Outstanding"}
    )

    @model_validator(mode="after")
    def _weights(self) -> TemplateIn:
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            # A stable code beside the English text: a client words the reason itself and places it on the criteria.
            raise PydanticCustomError("criteria_keys_repeated", "criteria: each key must be unique")
        total = sum((c.weight for c in self.criteria), self.goal_weight + self.customer_rating_weight)
        if total != 100:
            raise PydanticCustomError(
                "template_weights_total",
                "weights: criteria, goal_weight and customer_rating_weight must sum to 100, they sum to {total}",
                {"total": str(total)},
            )
        return self

    def criteria_model(self) -> list[Criterion]:
        return [Criterion(c.key, c.name, c.weight) for c in self.criteria]

    def scale_model(self) -> Scale:
        return Scale(self.scale.minimum, self.scale.maximum, self.scale.labels)
