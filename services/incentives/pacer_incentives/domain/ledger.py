"""The bonus statement: a deterministic function of a plan version and the period's input events.

    goal component   = base × min(cap, tier(A) + max(0, A − 1) × accelerator)
    review component = goal component × (multiplier(rating) − 1)
    team component   = the plan's team amount if every team goal of the period was achieved
    total            = the sum of the lines, each rounded half-up to the currency's minor unit

A is the mean attainment (actual / target, 4 places, each goal counting at most the plan's goal_attainment_cap)
of the person's goals that ended in the period.
The statement is computed from the events up to its close (the period's end, or the last deadline call
or review it waited for); every later event that changes the total adds an adjustment line citing it.
Missing inputs are lines of their own with their reason, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pacer_incentives.domain.facts import FOUR_PLACES, Facts, GoalFact, InputRecord, ReviewFact, apply, fold
from pacer_incentives.domain.money import round_money
from pacer_incentives.domain.periods import Period
from pacer_incentives.domain.plan import BaseKind, PlanIn

ZERO = Decimal(0)


@dataclass(frozen=True)
class Line:
    kind: str
    """goal_attainment | review_multiplier | team_component | eligibility | adjustment | clawback"""
    label: str
    formula: str
    amount: Decimal
    inputs: dict[str, str] = field(default_factory=dict)
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    """Who the statement is for, as the roster knows them at close."""

    person_id: str
    team_id: str | None
    active_whole_period: bool
    records: Sequence[InputRecord]
    """The person's own goal, review and training events, and their team's goal events."""


@dataclass(frozen=True)
class Statement:
    close_at: datetime
    lines: list[Line]
    adjustments: list[Line]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines + self.adjustments), ZERO)


class NotFinal(Exception):
    """The period cannot be closed yet: `waiting_for` says what it waits for."""

    def __init__(self, waiting_for: list[str]) -> None:
        super().__init__("; ".join(waiting_for))
        self.waiting_for = waiting_for


def tier_payout(plan: PlanIn, attainment: Decimal) -> Decimal:
    return [tier.payout for tier in plan.tiers if tier.min_attainment <= attainment][-1]


def goal_factor(plan: PlanIn, attainment: Decimal) -> Decimal:
    above = max(ZERO, attainment - 1)
    return min(plan.cap, tier_payout(plan, attainment) + above * plan.accelerator)


def base_amount(plan: PlanIn, person_id: str) -> Decimal | None:
    if plan.base.kind is BaseKind.FIXED:
        return plan.base.amount
    salary = plan.base.salaries.get(person_id)
    return None if salary is None or plan.base.percent is None else salary * plan.base.percent / 100


def _in_period(period: Period, moment: datetime) -> bool:
    """A goal or review belongs to the period its end falls in (an end at the period's end counts)."""
    return period.start < moment <= period.end


def _goals(facts: Facts, owner: str | None, period: Period) -> list[GoalFact]:
    return sorted(
        (g for g in facts.goals.values() if g.owner_id == owner and _in_period(period, g.period_end)),
        key=lambda g: (g.period_end, g.goal_id),
    )


def _review(plan: PlanIn, facts: Facts, period: Period) -> ReviewFact | None:
    reviews = [
        r
        for r in facts.reviews.values()
        if _in_period(period, r.period_end) and plan.review_cadence in (None, r.cadence)
    ]
    return max(reviews, key=lambda r: (r.period_end, r.time, r.review_id), default=None)


def close_at(plan: PlanIn, period: Period, subject: Subject, now: datetime) -> datetime:
    """When the statement's inputs became final; raises NotFinal while something is still awaited.

    Someone the plan does not pay (deactivated during the period, no salary figure) waits for nothing: no outcome
    or review could change their zero.
    """
    if _ineligible(plan, subject) is not None:
        return period.end
    facts = fold(subject.records)
    goals = _goals(facts, subject.person_id, period) + _goals(facts, subject.team_id, period)
    waiting = [f"goal {g.goal_id} ({g.title}) has no final outcome yet" for g in goals if not g.final(now)]
    moments = [period.end, *(g.outcome_at for g in goals if g.outcome in ("missed", "cancelled") and g.outcome_at)]
    if _needs_review(plan):
        review = _review(plan, facts, period)
        if review is None:
            waiting.append(f"the {plan.review_cadence or 'period'} review of {subject.person_id} is not completed")
        else:
            moments.append(review.time)
    if waiting:
        raise NotFinal(waiting)
    return max(m for m in moments if m is not None)


def calculate(plan: PlanIn, period: Period, subject: Subject, facts: Facts) -> list[Line]:
    if (nothing := _ineligible(plan, subject)) is not None:
        return [nothing]
    base = base_amount(plan, subject.person_id)
    assert base is not None  # or it would be ineligible
    review = _review(plan, facts, period) if _needs_review(plan) else None
    minimum = plan.eligibility.min_rating
    if review is not None and minimum is not None and review.rating < minimum:
        return [_nothing(f"review rating {review.rating} is below the plan's minimum {minimum}", review.event_id)]
    lines = [_goal_line(plan, base, _goals(facts, subject.person_id, period))]
    if review is not None and plan.review_multipliers is not None:
        lines.append(_review_line(plan, review, lines[0].amount))
    if plan.team_component is not None:
        lines.append(_team_line(plan, subject.team_id, _goals(facts, subject.team_id, period)))
    return lines


def _ineligible(plan: PlanIn, subject: Subject) -> Line | None:
    """Why the plan pays this person nothing whatever happened in the period, or None."""
    if base_amount(plan, subject.person_id) is None:
        return _nothing(f"no salary figure for {subject.person_id} in this plan version")
    if plan.eligibility.active_whole_period and not subject.active_whole_period:
        return _nothing("not active in the roster for the whole period")
    return None


def _needs_review(plan: PlanIn) -> bool:
    """The period's review decides something: a multiplier, or a minimum rating to be paid at all."""
    return plan.review_multipliers is not None or plan.eligibility.min_rating is not None


def _nothing(reason: str, *cites: str) -> Line:
    return Line("eligibility", "Not eligible", f"0 because {reason}", ZERO, {"reason": reason}, cites)


def _goal_line(plan: PlanIn, base: Decimal, goals: list[GoalFact]) -> Line:
    counted = [g for g in goals if g.outcome != "cancelled"]
    cites = tuple(c for g in goals for c in g.cites)
    if not counted:
        reason = "no goals ended in the period" if not goals else "every goal of the period was cancelled"
        return Line("goal_attainment", "Goal attainment", f"0 because {reason}", ZERO, {"reason": reason}, cites)
    each = {g.goal_id: min(g.attainment, plan.goal_attainment_cap) for g in counted}
    attainment = (sum(each.values(), ZERO) / len(counted)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    tier = tier_payout(plan, attainment)
    factor = goal_factor(plan, attainment)
    amount = round_money(base * factor, plan.currency)
    inputs = {
        f"goal {g.goal_id} ({g.title})": f"{g.actual} / {g.target} = {g.attainment}"
        + (f", counted as {each[g.goal_id]}: the most one goal counts" if each[g.goal_id] < g.attainment else "")
        for g in counted
    }
    inputs |= {
        "mean attainment A": str(attainment),
        "base": str(base),
        "tier(A)": str(tier),
        "accelerator": str(plan.accelerator),
        "cap": str(plan.cap),
    }
    formula = (
        f"base × min(cap, tier(A) + max(0, A − 1) × accelerator) = {base} × min({plan.cap}, {tier} + "
        f"{max(ZERO, attainment - 1)} × {plan.accelerator}) = {base} × {factor} = {amount}"
    )
    return Line("goal_attainment", "Goal attainment", formula, amount, inputs, cites)


def _review_line(plan: PlanIn, review: ReviewFact, goal_amount: Decimal) -> Line:
    assert plan.review_multipliers is not None
    multiplier = plan.review_multipliers.get(review.rating, Decimal(1))
    amount = round_money(goal_amount * (multiplier - 1), plan.currency)
    return Line(
        "review_multiplier",
        f"Review rating {review.rating} ({review.rating_label})",
        f"goal component × (multiplier − 1) = {goal_amount} × ({multiplier} − 1) = {amount}",
        amount,
        {"rating": str(review.rating), "multiplier": str(multiplier), "review": review.review_id},
        (review.event_id,),
    )


def _team_line(plan: PlanIn, team_id: str | None, goals: list[GoalFact]) -> Line:
    assert plan.team_component is not None
    counted = [g for g in goals if g.outcome != "cancelled"]
    cites = tuple(c for g in goals for c in g.cites)
    achieved = bool(counted) and all(g.outcome == "achieved" for g in counted)
    amount = plan.team_component.amount if achieved else ZERO
    if not counted:
        formula = f"0 because team {team_id} had no goal ending in the period"
    else:
        done = sum(g.outcome == "achieved" for g in counted)
        formula = f"{amount} because {done} of {len(counted)} team goals were achieved"
    inputs = {f"team goal {g.goal_id} ({g.title})": g.outcome for g in counted}
    return Line("team_component", "Team goal", formula, round_money(amount, plan.currency), inputs, cites)


def statement(plan: PlanIn, period: Period, subject: Subject, now: datetime) -> Statement:
    """The statement at close, and an adjustment line for each later event that changed the total."""
    closed = close_at(plan, period, subject, now)
    ordered = sorted(subject.records, key=lambda r: r.order)
    on_time = [r for r in ordered if r.time <= closed]
    facts = fold(on_time)
    lines = calculate(plan, period, subject, facts)
    total = sum((line.amount for line in lines), ZERO)
    adjustments: list[Line] = []
    for record in ordered[len(on_time) :]:
        apply(facts, record)
        new_total = sum((line.amount for line in calculate(plan, period, subject, facts)), ZERO)
        if new_total != total:
            adjustments.append(_adjustment(record, new_total - total, total, new_total))
            total = new_total
    return Statement(closed, lines, adjustments)


def _adjustment(record: InputRecord, delta: Decimal, before: Decimal, after: Decimal) -> Line:
    kind = "adjustment" if delta > 0 else "clawback"
    what = describe(record)
    return Line(
        kind,
        f"{'Adjustment' if delta > 0 else 'Clawback'}: {what}",
        f"recomputed total {after} − previous total {before} = {delta}",
        delta,
        {"event": record.type, "at": record.time.isoformat()},
        (record.event_id,),
    )


def describe(record: InputRecord) -> str:
    data = record.data
    if record.type == "GoalAdjusted":
        return (
            f"goal {data['goal_id']} target changed from {data['old_target']} to {data['new_target']} "
            f"({data.get('reason', '')})"
        )
    if record.type == "ReviewCompleted":
        return f"review {data['review_id']} completed with rating {data['rating']}"
    if "goal_id" in data:
        return f"{record.type} for goal {data['goal_id']} after the statement was calculated"
    return f"{record.type} after the statement was calculated"


def simulate(plan: PlanIn, period: Period, subject: Subject) -> list[Line]:
    """What the plan would pay on everything known now, finality aside: for trying a plan before adopting it."""
    return calculate(plan, period, subject, fold(subject.records))


def cited(lines: Iterable[Line]) -> list[str]:
    return sorted({c for line in lines for c in line.cites})
