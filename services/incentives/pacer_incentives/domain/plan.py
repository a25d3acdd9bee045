"""Bonus plans: what a period's goal attainment, review rating and team result are worth, and who qualifies.

A plan is written once per version and never edited; statements cite the version they were computed with.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from pacer_incentives.domain.money import known_currency
from pacer_incentives.domain.periods import Cadence, PeriodSpec, is_period_start

Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Ratio = Annotated[Decimal, Field(ge=0, le=100, max_digits=12, decimal_places=6)]


class BaseKind(StrEnum):
    FIXED = "fixed"
    SALARY_PERCENT = "salary_percent"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Base(Strict):
    """The bonus at 100% attainment: a fixed amount, or a percentage of each person's salary figure."""

    kind: BaseKind
    amount: Amount | None = Field(default=None, description="For kind=fixed")
    percent: Ratio | None = Field(default=None, description="For kind=salary_percent: % of the salary figure")
    salaries: dict[str, Amount] = Field(default_factory=dict, description="For kind=salary_percent: by person id")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind is BaseKind.FIXED and self.amount is None:
            raise ValueError("a fixed base needs an amount")
        if self.kind is BaseKind.SALARY_PERCENT and self.percent is None:
            raise ValueError("a salary_percent base needs a percent")
        return self


class Tier(Strict):
    """From this attainment (inclusive) up to the next tier's, the goal component pays `payout` × base."""

    min_attainment: Ratio
    payout: Ratio


class TeamComponent(Strict):
    amount: Amount = Field(description="Paid to each member when every team goal of the period is achieved")


class Eligibility(Strict):
    active_whole_period: bool = Field(
        default=True, description="Nobody deactivated in the roster during the period is paid"
    )
    min_rating: int | None = Field(default=None, description="The review rating below which nothing is paid")


class PlanIn(Strict):
    """A version of a bonus plan, as hr writes it."""

    plan_id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    title: str = Field(min_length=1, max_length=200)
    effective_from: AwareDatetime = Field(description="A period start: the first of a month (quarter) in UTC")
    effective_to: AwareDatetime | None = Field(default=None, description="Exclusive; open-ended if absent")
    period: Cadence | timedelta = Field(description="monthly, quarterly, or a fixed length (ISO 8601, e.g. PT10M)")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    team_ids: list[str] | None = Field(default=None, description="Who the plan covers; every assistant if absent")
    base: Base
    tiers: list[Tier] = Field(min_length=1)
    accelerator: Ratio = Field(
        default=Decimal(0), description="Extra payout per unit of attainment above 1.0 (1.0 = 100%)"
    )
    cap: Ratio = Field(description="The most the goal component pays, as a multiple of base")
    goal_attainment_cap: Ratio = Field(
        default=Decimal(2),
        gt=0,
        description="The most one goal's attainment counts toward the mean: a goal with a tiny target cannot carry "
        "the period",
    )
    review_multipliers: dict[int, Ratio] | None = Field(
        default=None, description="By review rating; the plan waits for the period's completed review when set"
    )
    review_cadence: str | None = Field(
        default=None, description="Which reviews count (weekly, monthly, quarterly); any cadence if absent"
    )
    team_component: TeamComponent | None = None
    eligibility: Eligibility = Eligibility()

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not known_currency(self.currency):
            raise ValueError(f"currency {self.currency} is not an ISO 4217 code")
        if isinstance(self.period, timedelta) and self.period < timedelta(minutes=1):
            raise ValueError("period: a fixed-length period lasts at least a minute")
        if not is_period_start(self.period, self.effective_from):
            raise ValueError("effective_from must be the start of a period (the first of the month or quarter)")
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        starts = [tier.min_attainment for tier in self.tiers]
        if starts[0] != 0:
            raise ValueError("tiers must cover the range from attainment 0: the first tier starts at 0")
        if any(b <= a for a, b in itertools.pairwise(starts)):
            raise ValueError("tiers must be in increasing order of min_attainment, without repeats")
        payouts = [tier.payout for tier in self.tiers]
        if any(b < a for a, b in itertools.pairwise(payouts)):
            raise ValueError("tier payouts must not decrease as attainment grows")
        if self.cap < payouts[-1]:
            raise ValueError("cap must be at least the highest tier's payout")
        if self.review_multipliers is not None and not self.review_multipliers:
            raise ValueError("review_multipliers: give a multiplier per rating, or leave it out")
        return self

    def covers(self, moment: datetime) -> bool:
        return self.effective_from <= moment and (self.effective_to is None or moment < self.effective_to)

    @property
    def period_spec(self) -> PeriodSpec:
        return self.period
