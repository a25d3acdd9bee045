"""Request bodies of the reviews API."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pacer_reviews.service.flow import Assessment, Development
from pacer_shared.events.reviews import Cadence


class CycleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    cadence: Cadence
    template_name: str
    period_start: date
    period_end: date | None = Field(default=None, description="Only for a custom cadence (inclusive)")
    team_id: str | None = None
    role: str | None = Field(default=None, description="Population by role (default: assistants)")
    person_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=5000, description="Population by name (omit for team or role)"
    )
    recurring: bool = Field(default=False, description="Open the next period's cycle by itself")


class AcknowledgeIn(BaseModel):
    comment: str = Field(default="", max_length=4000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str
    course_id: str
    due_at: AwareDatetime = Field(description="With its UTC offset, e.g. 2026-12-31T00:00:00Z")


class DevelopmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str = Field(min_length=1, max_length=200)
    suggestion: str = Field(min_length=1, max_length=2000)
    course_id: str | None = Field(default=None, description="A course from the catalogue: assigned as training")


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: dict[str, int] = Field(default_factory=dict, description="Criterion key -> rating on the template's scale")
    strengths: str = Field(default="", max_length=4000)
    weaknesses: str = Field(default="", max_length=4000)
    development: list[DevelopmentIn] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=4000)

    def assessment(self) -> Assessment:
        development = [Development(**item.model_dump()) for item in self.development]
        return Assessment(**self.model_dump(exclude={"development"}), development=development)
