"""The SMART check: each letter judged with a reason a manager can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pacer_goals.domain.growth import ResolvedGrowth
from pacer_shared.events.goals import MetricAggregation

STRETCH = Decimal("1.5")
"""A target above this multiple of the owner's best recent period is flagged as a stretch."""
FAR_BELOW = Decimal("0.5")
"""A target below this multiple of the owner's worst recent period is flagged: reached without trying, it would
count as a big attainment toward recognition and bonuses."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str
    warning: bool = False
    """True when the letter passes but deserves a second look (e.g. a big stretch)."""


@dataclass(frozen=True)
class SmartInput:
    owner_known: bool
    kinds: list[str]
    aggregation: MetricAggregation
    currency: str | None
    target: Decimal
    unit: str
    start: datetime
    end: datetime
    now: datetime
    recent_results: list[Decimal]
    """The owner's results with the same metric in the comparable periods before this one, latest first."""
    linked: bool
    standalone_allowed: bool
    growth: ResolvedGrowth | None = None
    """A relative target resolved against its baseline: `target` is the resolved number."""
    growth_refused: str | None = None
    """Why a relative target could not be resolved (no baseline): the goal is not measurable."""
    growth_explained: str = ""


@dataclass(frozen=True)
class SmartReport:
    specific: Verdict
    measurable: Verdict
    achievable: Verdict
    relevant: Verdict
    time_bound: Verdict
    growth: ResolvedGrowth | None = None

    @property
    def passed(self) -> bool:
        return all(verdict.passed for verdict in self.letters().values())

    def letters(self) -> dict[str, Verdict]:
        return {
            "specific": self.specific,
            "measurable": self.measurable,
            "achievable": self.achievable,
            "relevant": self.relevant,
            "time_bound": self.time_bound,
        }

    def failures(self) -> dict[str, str]:
        return {name: verdict.reason for name, verdict in self.letters().items() if not verdict.passed}


def check(goal: SmartInput) -> SmartReport:
    return SmartReport(
        specific=_specific(goal),
        measurable=_measurable(goal),
        achievable=_achievable(goal),
        relevant=_relevant(goal),
        time_bound=_time_bound(goal),
        growth=goal.growth,
    )


def _specific(goal: SmartInput) -> Verdict:
    if not goal.owner_known:
        return Verdict(False, "the owner is not in the roster (org.people)")
    if not goal.kinds:
        return Verdict(False, "no activity kinds: say which activities count")
    return Verdict(True, f"counts {', '.join(goal.kinds)} for a known owner")


def _measurable(goal: SmartInput) -> Verdict:
    if goal.growth_refused is not None:
        return Verdict(False, goal.growth_refused)
    if goal.target <= 0:
        return Verdict(False, "the target must be a positive number")
    if not goal.unit.strip():
        return Verdict(False, "the target needs a unit (calls, orders, CNY, ...)")
    if goal.aggregation is MetricAggregation.SUM_AMOUNT and not goal.currency:
        return Verdict(False, "a money goal needs a currency")
    if goal.growth is not None:
        return Verdict(True, f"{goal.growth_explained}, {goal.aggregation.value.replace('_', ' ')}")
    return Verdict(True, f"{goal.target} {goal.unit}, {goal.aggregation.value.replace('_', ' ')}")


def _achievable(goal: SmartInput) -> Verdict:
    if not goal.recent_results:
        return Verdict(True, "no comparable history yet: nothing to compare the target with", warning=True)
    best = max(goal.recent_results)
    history = ", ".join(str(r) for r in goal.recent_results)
    if best == 0:
        return Verdict(True, f"recent comparable periods had no results ({history})", warning=True)
    ratio = (goal.target / best).quantize(Decimal("0.01"))
    if ratio > STRETCH:
        return Verdict(True, f"target is {ratio}x the best recent period ({history}): a big stretch", warning=True)
    worst = min(goal.recent_results)
    if goal.target < worst * FAR_BELOW:
        return Verdict(
            True,
            f"target is far below every recent period ({history}): less than half of the weakest, {worst}",
            warning=True,
        )
    return Verdict(True, f"target is {ratio}x the best recent period ({history})")


def _relevant(goal: SmartInput) -> Verdict:
    if goal.linked:
        return Verdict(True, "linked to a parent or team goal")
    if goal.standalone_allowed:
        return Verdict(True, "standalone goals are allowed by policy", warning=True)
    return Verdict(False, "link the goal to a parent or team goal (policy forbids standalone goals)")


def _time_bound(goal: SmartInput) -> Verdict:
    if goal.end <= goal.start:
        return Verdict(False, "the period must end after it starts")
    if goal.end <= goal.now:
        return Verdict(False, "the period has already ended")
    return Verdict(True, f"ends {goal.end.isoformat()}")
